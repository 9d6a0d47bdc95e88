// Package localserver is a Retivo-compatible webhooks API server for tests and
// the demo. It is strict the way the real service is (authentication,
// validation, error bodies, plan limits) and it can inject faults on demand.
//
// The provider never imports this package: it only ever talks to it over HTTP.
package localserver

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Routes, as counted by Stats and matched by Fault.Route.
const (
	RouteList   = "GET /webhooks/endpoints"
	RouteCreate = "POST /webhooks/endpoints"
	RouteUpdate = "PUT /webhooks/endpoints/{id}"
	RouteDelete = "DELETE /webhooks/endpoints/{id}"
	RouteTest   = "POST /webhooks/endpoints/{id}/test"
)

// Options configures a Server.
type Options struct {
	// APIKeys are the keys the server accepts; each must start with rt_live_
	// or rt_test_.
	APIKeys []string
	// PathPrefix is where the API is mounted; empty means "/api", like the
	// real service (https://retivo.ai/api).
	PathPrefix string
	// MaxEndpoints is the plan's endpoint limit; 0 means unlimited.
	MaxEndpoints int
	// UpgradeTo is the plan named when the limit is hit; empty means "pro".
	UpgradeTo string
	// DeliveryTimeout bounds a test delivery; zero means 5 seconds.
	DeliveryTimeout time.Duration
	// Latency is added to every API request.
	Latency time.Duration
	// Admin mounts the /_admin/ routes (stats, faults, latency), for a server
	// run in a process of its own (cmd/retivo-local-server). The demo and
	// the benchmark run it in-process and use its methods instead.
	Admin bool
	// AdminToken is the token every /_admin/ request must carry in the
	// AdminTokenHeader header; New panics when Admin is set without one.
	AdminToken string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Server is the local Retivo API. It is safe for concurrent use.
type Server struct {
	opts     Options
	mux      *http.ServeMux
	delivery *http.Client

	mu      sync.Mutex
	store   *store
	keys    map[string]bool
	stats   map[string]int64
	faults  []*faultState
	seen    map[string]bool
	latency time.Duration
	// held are the release channels of the requests a Hold fault holds,
	// longest-held first; heldChanged is closed (and replaced) whenever
	// held changes, to wake WaitHeld.
	held        []chan struct{}
	heldChanged chan struct{}
	// stateFile, when set, receives every change (see UseStateFile).
	stateFile string
}

// New returns a server for opts.
func New(opts Options) *Server {
	if opts.Admin && opts.AdminToken == "" {
		// Admin routes without a token would let anyone who can reach
		// the server (a web page too) change its faults.
		panic("localserver: Options.Admin needs an AdminToken")
	}
	if opts.PathPrefix == "" {
		opts.PathPrefix = "/api"
	}
	opts.PathPrefix = "/" + strings.Trim(opts.PathPrefix, "/")
	if opts.PathPrefix == "/" {
		opts.PathPrefix = ""
	}
	if opts.UpgradeTo == "" {
		opts.UpgradeTo = "pro"
	}
	if opts.DeliveryTimeout <= 0 {
		opts.DeliveryTimeout = 5 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{
		opts:    opts,
		store:   newStore(),
		keys:    map[string]bool{},
		stats:   map[string]int64{},
		seen:    map[string]bool{},
		latency: opts.Latency,

		heldChanged: make(chan struct{}),
		delivery: &http.Client{
			Timeout: opts.DeliveryTimeout,
			// A webhook sender reports a redirect, it does not follow it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
	for _, k := range opts.APIKeys {
		if ValidKeyShape(k) {
			s.keys[k] = true
		}
	}
	s.routes()
	return s
}

// PathPrefix is where the API is mounted, e.g. "/api".
func (s *Server) PathPrefix() string { return s.opts.PathPrefix }

// ServeHTTP serves the API (and the admin routes when enabled).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	p := s.opts.PathPrefix
	s.mux.Handle("GET "+p+"/webhooks/endpoints", s.api(RouteList, s.handleList))
	s.mux.Handle("POST "+p+"/webhooks/endpoints", s.api(RouteCreate, s.handleCreate))
	s.mux.Handle("PUT "+p+"/webhooks/endpoints/{id}", s.api(RouteUpdate, s.handleUpdate))
	s.mux.Handle("DELETE "+p+"/webhooks/endpoints/{id}", s.api(RouteDelete, s.handleDelete))
	s.mux.Handle("POST "+p+"/webhooks/endpoints/{id}/test", s.api(RouteTest, s.handleTest))
	s.mux.HandleFunc(p+"/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such route: "+r.Method+" "+r.URL.Path)
	})
	if s.opts.Admin {
		s.adminRoutes()
	}
}

// api wraps a handler with what every API call goes through: counting,
// latency, faults, then authentication.
func (s *Server) api(route string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		s.mu.Lock()
		s.stats[route]++
		latency := s.latency
		s.mu.Unlock()
		if latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
		}
		if s.injectFault(route, w, r, h) {
			return
		}
		if !s.authorized(r) {
			writeError(w, http.StatusUnauthorized, "invalid or missing API key: send Authorization: Bearer rt_live_… or rt_test_…")
			return
		}
		h(w, r)
	})
}

const maxRequestBytes = 1 << 20

func (s *Server) authorized(r *http.Request) bool {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.keys[token]
}

// isLive reports whether the request's key is a live-mode (rt_live_) key;
// api has already checked that the key is one the server accepts.
func isLive(r *http.Request) bool {
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.HasPrefix(token, "rt_live_")
}

// ValidKeyShape reports whether k looks like a Retivo API key: rt_live_ or
// rt_test_ and more; New ignores keys of any other shape.
func ValidKeyShape(k string) bool {
	for _, prefix := range []string{"rt_live_", "rt_test_"} {
		if strings.HasPrefix(k, prefix) && len(k) > len(prefix) {
			return true
		}
	}
	return false
}

// Stats returns how many requests each route received, faults included.
func (s *Server) Stats() map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int64, len(s.stats))
	for k, v := range s.stats {
		out[k] = v
	}
	return out
}

// Count returns how many requests a route received.
func (s *Server) Count(route string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats[route]
}

// TotalRequests returns how many API requests the server received.
func (s *Server) TotalRequests() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, v := range s.stats {
		n += v
	}
	return n
}

// ResetStats zeroes the request counters.
func (s *Server) ResetStats() {
	s.mu.Lock()
	s.stats = map[string]int64{}
	s.mu.Unlock()
}

// SetLatency changes the latency added to every API request.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
