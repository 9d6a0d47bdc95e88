package localserver

import (
	"encoding/json"
	"net/http"
	"time"
)

// adminRoutes are for a server running in a process of its own
// (cmd/retivo-local-server, for trying the provider by hand): they read the
// counters and set faults over HTTP. They are not part of the Retivo API and
// need no key; the command binds to loopback.
func (s *Server) adminRoutes() {
	s.mux.HandleFunc("GET /_admin/stats", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"requests": s.Stats(), "endpoints": len(s.Endpoints())})
	})
	s.mux.HandleFunc("DELETE /_admin/stats", func(w http.ResponseWriter, _ *http.Request) {
		s.ResetStats()
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("POST /_admin/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Fault
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxRequestBytes)).Decode(&f); err != nil {
			writeError(w, http.StatusBadRequest, "body must be a fault object: "+err.Error())
			return
		}
		s.AddFault(f)
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("DELETE /_admin/faults", func(w http.ResponseWriter, _ *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("PUT /_admin/latency", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("d"))
		if err != nil || d < 0 {
			writeError(w, http.StatusBadRequest, "query parameter d must be a duration such as 20ms")
			return
		}
		s.SetLatency(d)
		w.WriteHeader(http.StatusNoContent)
	})
}
