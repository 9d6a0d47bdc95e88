package localserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"mime"
	"net/http"
	"time"
)

// AdminTokenHeader is the header that carries Options.AdminToken on every
// /_admin/ request.
const AdminTokenHeader = "Retivo-Admin-Token"

// adminRoutes are for a server running in a process of its own
// (cmd/retivo-local-server, for trying the provider by hand): they read the
// counters, set faults and release held requests over HTTP. They are not
// part of the Retivo API and take no API key, but the admin token (see
// admin).
func (s *Server) adminRoutes() {
	handle := func(pattern string, h http.HandlerFunc) { s.mux.Handle(pattern, s.admin(h)) }
	handle("GET /_admin/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"requests": s.Stats(), "endpoints": len(s.Endpoints()), "held": s.Held()})
	})
	handle("DELETE /_admin/stats", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	handle("POST /_admin/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if !decodeAdminBody(w, r, &f, "a fault object") {
			return
		}
		s.AddFault(f)
		w.WriteHeader(http.StatusNoContent)
	})
	handle("DELETE /_admin/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	handle("POST /_admin/faults/release", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Count int  `json:"count"`
			All   bool `json:"all"`
		}
		if !decodeAdminBody(w, r, &body, `{"count": N} or {"all": true}`) {
			return
		}
		if body.All == (body.Count > 0) {
			writeError(w, http.StatusBadRequest, `body must be {"count": N} with N at least 1, or {"all": true}`)
			return
		}
		var released int
		if body.All {
			released = s.ReleaseAll()
		} else {
			released = s.Release(body.Count)
		}
		writeJSON(w, http.StatusOK, map[string]int{"released": released})
	})
	handle("PUT /_admin/latency", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Latency string `json:"latency"`
		}
		if !decodeAdminBody(w, r, &body, `{"latency": "20ms"}`) {
			return
		}
		d, err := time.ParseDuration(body.Latency)
		if err != nil || d < 0 {
			writeError(w, http.StatusBadRequest, `body must be {"latency": "20ms"}, with a duration of 0 or more`)
			return
		}
		s.SetLatency(d)
		w.WriteHeader(http.StatusNoContent)
	})
}

// admin guards an admin route: the request must carry the admin token in
// AdminTokenHeader, and a POST or PUT must be sent as application/json. A
// web page of another origin can send neither a custom header nor that
// content type without a CORS preflight, and this server approves none (it
// sends no Access-Control-Allow-* header), so no page can drive these
// routes; the token keeps out everyone else who can reach the address.
func (s *Server) admin(h http.HandlerFunc) http.Handler {
	// Comparing digests keeps the comparison constant-time in the token's
	// length too.
	want := sha256.Sum256([]byte(s.opts.AdminToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := sha256.Sum256([]byte(r.Header.Get(AdminTokenHeader)))
		if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
			writeError(w, http.StatusUnauthorized,
				"missing or wrong admin token: send it in the "+AdminTokenHeader+" header (retivo-local-server prints it at start)")
			return
		}
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mediaType != "application/json" {
				writeError(w, http.StatusUnsupportedMediaType, "send the body as JSON, with Content-Type: application/json")
				return
			}
		}
		h(w, r)
	})
}

// decodeAdminBody decodes a JSON body into v, refusing unknown fields so a
// misspelt fault is not silently a different one; on failure it answers 400
// naming what, and returns false.
func decodeAdminBody(w http.ResponseWriter, r *http.Request, v any, what string) bool {
	decoder := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "body must be "+what+": "+err.Error())
		return false
	}
	return true
}
