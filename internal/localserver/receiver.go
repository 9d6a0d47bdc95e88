package localserver

import (
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Receiver is a webhook receiver for tests and the demo: it records every
// delivery and answers with a chosen status.
type Receiver struct {
	mu         sync.Mutex
	status     int
	deliveries []Delivery
}

// Delivery is one request a Receiver got.
type Delivery struct {
	Path   string
	Header http.Header
	Body   []byte
}

// NewReceiver returns a receiver that answers 200.
func NewReceiver() *Receiver { return &Receiver{status: http.StatusOK} }

// SetStatus changes the status the receiver answers.
func (rc *Receiver) SetStatus(code int) {
	rc.mu.Lock()
	rc.status = code
	rc.mu.Unlock()
}

// Deliveries returns what the receiver got so far.
func (rc *Receiver) Deliveries() []Delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Delivery(nil), rc.deliveries...)
}

// ServeHTTP records the delivery and answers. A "status" query parameter
// overrides the status, so one receiver can play both a healthy and a broken
// endpoint.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	rc.mu.Lock()
	status := rc.status
	if q, err := strconv.Atoi(r.URL.Query().Get("status")); err == nil && q >= 200 && q <= 599 {
		status = q
	}
	rc.deliveries = append(rc.deliveries, Delivery{Path: r.URL.Path, Header: r.Header.Clone(), Body: body})
	rc.mu.Unlock()
	w.WriteHeader(status)
}
