package localserver

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
)

// Bounds of what a Receiver keeps, so that a receiver that anyone can post
// to (retivo-local-server serves one) cannot be made to grow without limit.
const (
	// ReceiverMaxDeliveries is how many deliveries a Receiver keeps: the
	// newest ones; older ones are dropped and counted (Receiver.Dropped).
	ReceiverMaxDeliveries = 100
	// ReceiverMaxBodyBytes is the largest body a Receiver accepts; a larger
	// one is answered 413 and not kept. A Retivo event is far smaller.
	ReceiverMaxBodyBytes = 64 << 10
)

// Receiver is a webhook receiver for tests and the demo: it records the
// newest ReceiverMaxDeliveries deliveries and answers with a chosen status.
type Receiver struct {
	mu         sync.Mutex
	status     int
	deliveries []Delivery
	received   int
	dropped    int
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

// Deliveries returns the deliveries the receiver keeps, oldest first: at
// most the newest ReceiverMaxDeliveries.
func (rc *Receiver) Deliveries() []Delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Delivery(nil), rc.deliveries...)
}

// Received returns how many deliveries the receiver recorded in all, those
// dropped since included; unlike len(Deliveries()), it keeps counting past
// ReceiverMaxDeliveries.
func (rc *Receiver) Received() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.received
}

// Dropped returns how many deliveries were dropped to keep only the newest
// ReceiverMaxDeliveries.
func (rc *Receiver) Dropped() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.dropped
}

// ServeHTTP records the delivery and answers. A "status" query parameter
// overrides the status, so one receiver can play both a healthy and a broken
// endpoint. A body over ReceiverMaxBodyBytes is answered 413 and not recorded.
func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, ReceiverMaxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeError(w, http.StatusRequestEntityTooLarge, "the body is over "+strconv.Itoa(ReceiverMaxBodyBytes)+" bytes")
			return
		}
		writeError(w, http.StatusBadRequest, "could not read the request body")
		return
	}
	rc.mu.Lock()
	status := rc.status
	if q, err := strconv.Atoi(r.URL.Query().Get("status")); err == nil && q >= 200 && q <= 599 {
		status = q
	}
	d := Delivery{Path: r.URL.Path, Header: r.Header.Clone(), Body: body}
	if len(rc.deliveries) < ReceiverMaxDeliveries {
		rc.deliveries = append(rc.deliveries, d)
	} else {
		// Shift in place rather than append to a re-slice, so the backing
		// array never grows past ReceiverMaxDeliveries.
		copy(rc.deliveries, rc.deliveries[1:])
		rc.deliveries[len(rc.deliveries)-1] = d
		rc.dropped++
	}
	rc.received++
	rc.mu.Unlock()
	w.WriteHeader(status)
}
