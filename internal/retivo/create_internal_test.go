package retivo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Two creates answered with one id cannot both take it: checking that the
// id is new and recording it as this client's are one step.
func TestCreateRecords_claimOnce(t *testing.T) {
	r := newCreateRecords()
	var claimed atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if r.claim("we_shared", 0) {
				claimed.Add(1)
			}
		})
	}
	wg.Wait()
	if n := claimed.Load(); n != 1 {
		t.Errorf("%d creates claimed one id, want 1", n)
	}
	r.seen([]Endpoint{{ID: "we_listed"}})
	if r.claim("we_listed", 1) {
		t.Error("an id a list saw before the create was sent was claimed")
	}
	if !r.claim("we_listed_later", 1) {
		t.Error("a new id was refused")
	}
}

// The look for leftovers waits for the client's identical creates in
// flight, so their answers settle whose endpoints those are; it waits no
// longer than its context.
func TestCreateRecords_waitIdle(t *testing.T) {
	r := newCreateRecords()
	answered := r.sending("k")
	done := make(chan error, 1)
	go func() { done <- r.waitIdle(context.Background(), "k") }()
	if err := r.waitIdle(context.Background(), "other"); err != nil {
		t.Fatalf("another fingerprint waited: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.waitIdle(ctx, "k"); err == nil {
		t.Error("a wait whose context has ended did not end")
	}
	answered()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the wait did not end when the create in flight was answered")
	}
}

// The look for leftovers lists only once no identical create of the client
// is in flight: an answer still on its way settles whose endpoint it is, so
// a sibling's endpoint is never named as a leftover.
func TestClient_leftoverLookupWaitsForIdenticalCreatesInFlight(t *testing.T) {
	listed := make(chan struct{}, 10)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		listed <- struct{}{}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"endpoints": []}`))
	}))
	defer server.Close()
	c, err := New(Config{BaseURL: server.URL, APIKey: "rt_test_internal_0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	req := CreateEndpointRequest{URL: "https://same.example/hook"}
	key := fingerprint(req)
	answered := c.creates.sending(key) // a sibling's create, in flight
	done := make(chan error, 1)
	go func() {
		_, _, err := c.leftovers(context.Background(), req, key, 0)
		done <- err
	}()
	waiting := func() bool {
		c.creates.mu.Lock()
		defer c.creates.mu.Unlock()
		_, ok := c.creates.idle[key]
		return ok
	}
	deadline := time.After(30 * time.Second)
	for !waiting() {
		select {
		case <-listed:
			t.Fatal("the look for leftovers listed while an identical create was in flight")
		case <-deadline:
			t.Fatal("the look for leftovers neither listed nor waited")
		case <-time.After(time.Millisecond):
		}
	}
	answered()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-deadline:
		t.Fatal("the look for leftovers did not end once the sibling was answered")
	}
}
