package localserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"golang.org/x/time/rate"
)

// Fault makes the server misbehave on chosen requests.
type Fault struct {
	// Route limits the fault to one route (RouteCreate, …); empty means all.
	Route string `json:"route,omitempty"`
	// Every injects on every Nth matching request; 0 or 1 means every one.
	Every int `json:"every,omitempty"`
	// Times stops after this many injections; 0 means no limit.
	Times int `json:"times,omitempty"`
	// FirstAttempt injects only the first time a given request (method, path
	// and body) arrives, so a client that retries gets through.
	FirstAttempt bool `json:"first_attempt,omitempty"`
	// PerSecond makes the fault a rate limit: a token bucket of this many
	// requests a second (and as many at once) lets matching requests
	// through, and the fault fires on the ones beyond it, as an account's
	// rate limit answers 429 with Retry-After.
	PerSecond float64 `json:"per_second,omitempty"`

	// Status is the status to answer, e.g. 429 or 502.
	Status int `json:"status,omitempty"`
	// RetryAfter is sent as the Retry-After header when set.
	RetryAfter string `json:"retry_after,omitempty"`
	// Body is the answer's body; empty means a JSON error object.
	Body string `json:"body,omitempty"`
	// ContentType is the answer's content type; empty means JSON, or HTML
	// when Body starts with "<".
	ContentType string `json:"content_type,omitempty"`

	// DropAfterCommit performs the request, then closes the connection
	// without answering: the client cannot know that the change happened.
	DropAfterCommit bool `json:"drop_after_commit,omitempty"`
	// AnswerAfterCommit performs the request, then answers with Status and
	// Body (sent as they are, even empty) instead of the real answer.
	AnswerAfterCommit bool `json:"answer_after_commit,omitempty"`
	// DropWithoutCommit closes the connection without serving the request
	// at all: nothing is stored and the client gets no answer.
	DropWithoutCommit bool `json:"drop_without_commit,omitempty"`
	// Delay holds the request this long before it is served or failed.
	Delay time.Duration `json:"delay,omitempty"`
	// Hold blocks the request until the test lets it go (Server.Release,
	// Server.ReleaseAll; POST /_admin/faults/release), then it goes on as
	// the rest of the fault says: after Delay, dropped, failed or served
	// normally. Server.WaitHeld tells when requests are being held.
	Hold bool `json:"hold,omitempty"`
}

type faultState struct {
	Fault
	matched  int
	injected int
	bucket   *rate.Limiter // for a PerSecond fault
}

// AddFault adds a fault; faults are checked in the order they were added and
// the first that fires decides.
func (s *Server) AddFault(f Fault) {
	state := &faultState{Fault: f}
	if f.PerSecond > 0 {
		state.bucket = rate.NewLimiter(rate.Limit(f.PerSecond), max(int(f.PerSecond), 1))
	}
	s.mu.Lock()
	s.faults = append(s.faults, state)
	s.mu.Unlock()
}

// ClearFaults removes every fault. Requests a Hold fault already holds stay
// held until released, so a test decides what happens to them.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.seen = map[string]bool{}
	s.mu.Unlock()
}

// Injected returns how many times faults fired in all.
func (s *Server) Injected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.injected
	}
	return n
}

// injectFault applies the first fault that fires; it reports whether the
// request has been dealt with.
func (s *Server) injectFault(route string, w http.ResponseWriter, r *http.Request, h http.HandlerFunc) bool {
	f := s.firingFault(route, r)
	if f == nil {
		return false
	}
	if f.Hold && !s.hold(r) {
		return true // the client went away while the request was held
	}
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case f.DropWithoutCommit:
		dropConnection(w)
	case f.DropAfterCommit:
		s.commitThenDrop(w, r, h)
	case f.AnswerAfterCommit:
		if s.authorized(r) {
			h(httptest.NewRecorder(), r)
		}
		writeRaw(w, f.Fault)
	case f.Status != 0:
		writeFault(w, f.Fault)
	default:
		return false // a pure delay or hold
	}
	return true
}

func (s *Server) firingFault(route string, r *http.Request) *faultState {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return nil
	}
	var key string
	for _, f := range s.faults {
		if f.Route != "" && f.Route != route {
			continue
		}
		if f.Times > 0 && f.injected >= f.Times {
			continue
		}
		if f.FirstAttempt {
			if key == "" {
				key = requestKey(r)
			}
			if s.seen[key] {
				delete(s.seen, key)
				continue
			}
			s.seen[key] = true
			f.injected++
			return f
		}
		f.matched++
		if (f.Every > 1 && f.matched%f.Every != 0) || (f.bucket != nil && f.bucket.Allow()) {
			continue
		}
		f.injected++
		return f
	}
	return nil
}

// requestKey identifies a request by method, path and body, so that a retry
// of it is recognised. It leaves the body readable.
func requestKey(r *http.Request) string {
	body := bufferBody(r)
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	return hex.EncodeToString(sum[:])
}

func writeFault(w http.ResponseWriter, f Fault) {
	if f.Body == "" {
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		writeError(w, f.Status, http.StatusText(f.Status)+" (injected fault)")
		return
	}
	writeRaw(w, f)
}

// writeRaw answers with the fault's status and body exactly.
func writeRaw(w http.ResponseWriter, f Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	contentType := f.ContentType
	if contentType == "" {
		contentType = "application/json"
		if len(f.Body) > 0 && f.Body[0] == '<' {
			contentType = "text/html; charset=utf-8"
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(f.Status)
	_, _ = io.WriteString(w, f.Body)
}

// commitThenDrop serves the request for real, throws the answer away and
// closes the connection, like a network that fails after the server committed.
func (s *Server) commitThenDrop(w http.ResponseWriter, r *http.Request, h http.HandlerFunc) {
	if s.authorized(r) {
		h(httptest.NewRecorder(), r)
	}
	dropConnection(w)
}

// dropConnection closes the request's connection without an answer.
func dropConnection(w http.ResponseWriter) {
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hijacker.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// bufferBody reads r's body to its end and makes it readable again from
// memory; a read error (such as a body over the size limit) is kept and
// returned by the new body after the bytes read. It returns the bytes read.
func bufferBody(r *http.Request) []byte {
	body, err := io.ReadAll(r.Body)
	var rest io.Reader = bytes.NewReader(body)
	if err != nil {
		rest = io.MultiReader(rest, errorReader{err})
	}
	r.Body = io.NopCloser(rest)
	return body
}

type errorReader struct{ err error }

func (e errorReader) Read([]byte) (int, error) { return 0, e.err }
