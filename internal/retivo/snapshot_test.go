package retivo_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// manualClock is a Clock whose time moves only when a test says so; its
// waits are the wall clock's (no test here waits).
type manualClock struct {
	retivo.Clock
	mu  sync.Mutex
	now time.Time
}

func newManualClock() *manualClock {
	return &manualClock{Clock: retivo.WallClock, now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *manualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestSnapshot_sharedInvalidatedAndAged(t *testing.T) {
	clock := newManualClock()
	f := newFixture(t, localserver.Options{Latency: 20 * time.Millisecond}, retivo.Config{SnapshotMaxAge: 30 * time.Second, Clock: clock})
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 25 {
		wg.Go(func() {
			if _, err := f.client.Endpoints(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := f.server.Count(localserver.RouteList); n != 1 {
		t.Fatalf("25 concurrent reads made %d list calls, want 1", n)
	}

	created, err := f.client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if lookup, err := f.client.FindEndpoint(ctx, created.ID); err != nil || !lookup.Found {
		t.Fatalf("a read after a create does not see it: %v %v", lookup.Found, err)
	}
	if n := f.server.Count(localserver.RouteList); n != 2 {
		t.Errorf("list calls %d, want 2 (the write invalidated the snapshot)", n)
	}

	// Changed behind the client's back: served from the snapshot until it ages out.
	if err := f.server.ModifyEndpoint(created.ID, func(e *localserver.Endpoint) { e.Description = "edited" }); err != nil {
		t.Fatal(err)
	}
	clock.Advance(29 * time.Second)
	lookup, _ := f.client.FindEndpoint(ctx, created.ID)
	if e := lookup.Endpoint; e.Description != nil && *e.Description == "edited" {
		t.Error("the snapshot was not used")
	}
	clock.Advance(2 * time.Second)
	lookup, _ = f.client.FindEndpoint(ctx, created.ID)
	if e := lookup.Endpoint; e.Description == nil || *e.Description != "edited" {
		t.Error("an aged snapshot was still served")
	}
}

// The bug of the process-wide cache: the first client of an account set the
// age bound for every later one. Each client now keeps its own snapshot, so
// a client set to 50 ms never serves a 150 ms-old list.
func TestSnapshot_maxAgeIsPerClient(t *testing.T) {
	clock := newManualClock()
	f := newFixture(t, localserver.Options{}, retivo.Config{SnapshotMaxAge: time.Hour, Clock: clock})
	ctx := context.Background()
	if _, err := f.client.Endpoints(ctx); err != nil {
		t.Fatal(err)
	}
	short := f.newClient(t, retivo.Config{SnapshotMaxAge: 50 * time.Millisecond, Clock: clock})
	if _, err := short.Endpoints(ctx); err != nil {
		t.Fatal(err)
	}
	listed := f.server.Count(localserver.RouteList)
	clock.Advance(150 * time.Millisecond)
	if _, err := short.Endpoints(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.server.Count(localserver.RouteList); n != listed+1 {
		t.Errorf("the 50 ms client served a 150 ms-old snapshot (%d list calls, want %d)", n, listed+1)
	}
	// The long-lived client keeps its own snapshot, untouched by the other.
	if _, err := f.client.Endpoints(ctx); err != nil {
		t.Fatal(err)
	}
	if n := f.server.Count(localserver.RouteList); n != listed+1 {
		t.Errorf("the one-hour client did not serve its own snapshot (%d list calls, want %d)", n, listed+1)
	}
}

// A shared list call lives as long as its longest-waiting caller: the
// caller that started it giving up does not fail the others. The server
// holds the list until both callers wait for it, so the order is certain.
func TestSnapshot_flightOutlivesAnImpatientCaller(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteList, Hold: true, Times: 1})
	impatient, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 2)
	go func() { _, err := f.client.Endpoints(impatient); errs <- err }()
	wait, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	if err := f.server.WaitHeld(wait, 1); err != nil { // the impatient caller's flight is on the server
		t.Fatal(err)
	}
	go func() { _, err := f.client.Endpoints(context.Background()); errs <- err }()
	for f.client.FlightWaiters() < 2 && wait.Err() == nil {
		runtime.Gosched() // until the patient caller has joined the flight
	}
	cancel()
	if err := <-errs; err == nil {
		t.Error("the impatient caller did not give up")
	}
	f.server.ReleaseAll()
	if err := <-errs; err != nil {
		t.Errorf("the patient caller failed with the impatient caller's cancel: %v", err)
	}
	if n := f.server.Count(localserver.RouteList); n != 1 {
		t.Errorf("%d list calls, want 1 shared call", n)
	}
}

// When every caller has given up, the shared call is cancelled rather than
// left running on its own, and a new caller starts a new call instead of
// joining the abandoned one.
func TestSnapshot_flightEndsWithItsLastCaller(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteList, Hold: true, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	errs := make(chan error, 1)
	go func() { _, err := f.client.Endpoints(ctx); errs <- err }()
	wait, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	if err := f.server.WaitHeld(wait, 1); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-errs; err == nil {
		t.Fatal("the caller that gave up got an answer")
	}
	for f.server.Held() > 0 && wait.Err() == nil {
		runtime.Gosched() // the abandoned call's request goes away
	}
	if f.server.Held() > 0 {
		t.Fatal("the abandoned list call was left running")
	}
	if _, err := f.client.Endpoints(context.Background()); err != nil {
		t.Fatalf("a caller after an abandoned flight: %v", err)
	}
	if n := f.server.Count(localserver.RouteList); n != 2 {
		t.Errorf("%d list calls, want 2 (the abandoned one and a new one)", n)
	}
}
