package retivo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

func TestSnapshot_sharedInvalidatedAndAged(t *testing.T) {
	f := newFixture(t, localserver.Options{Latency: 20 * time.Millisecond}, retivo.Config{SnapshotMaxAge: 300 * time.Millisecond})
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
	lookup, _ := f.client.FindEndpoint(ctx, created.ID)
	if e := lookup.Endpoint; e.Description != nil && *e.Description == "edited" {
		t.Error("the snapshot was not used")
	}
	time.Sleep(350 * time.Millisecond)
	lookup, _ = f.client.FindEndpoint(ctx, created.ID)
	if e := lookup.Endpoint; e.Description == nil || *e.Description != "edited" {
		t.Error("an aged snapshot was still served")
	}
}

// The bug of the process-wide cache: the first client of an account set the
// age bound for every later one. Each client now keeps its own snapshot, so
// a client set to 50 ms never serves a 150 ms-old list.
func TestSnapshot_maxAgeIsPerClient(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{SnapshotMaxAge: time.Hour})
	ctx := context.Background()
	if _, err := f.client.Endpoints(ctx); err != nil {
		t.Fatal(err)
	}
	short := f.newClient(t, retivo.Config{SnapshotMaxAge: 50 * time.Millisecond})
	if _, err := short.Endpoints(ctx); err != nil {
		t.Fatal(err)
	}
	listed := f.server.Count(localserver.RouteList)
	time.Sleep(150 * time.Millisecond)
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

// A shared list call lives as long as its longest-waiting caller: the first
// caller giving up does not fail the others, and the call ends once every
// caller has gone.
func TestSnapshot_flightOutlivesAnImpatientCaller(t *testing.T) {
	f := newFixture(t, localserver.Options{Latency: 300 * time.Millisecond}, retivo.Config{})
	impatient, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	patient, cancelPatient := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelPatient()

	errs := make(chan error, 2)
	go func() { _, err := f.client.Endpoints(impatient); errs <- err }()
	time.Sleep(10 * time.Millisecond) // let the impatient caller start the flight
	go func() { _, err := f.client.Endpoints(patient); errs <- err }()
	first, second := <-errs, <-errs
	if first == nil {
		t.Error("the impatient caller did not time out")
	}
	if second != nil {
		t.Errorf("the patient caller failed with the impatient caller's deadline: %v", second)
	}
	if n := f.server.Count(localserver.RouteList); n != 1 {
		t.Errorf("%d list calls, want 1 shared call", n)
	}
}

// When every caller has given up, the shared call is cancelled rather than
// left running on its own.
func TestSnapshot_flightEndsWithItsLastCaller(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	f.server.SetLatency(2 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := f.client.Endpoints(ctx); err == nil {
		t.Fatal("want a timeout")
	}
	f.server.SetLatency(0)
	// A new caller starts a new call instead of joining the abandoned one.
	if _, err := f.client.Endpoints(context.Background()); err != nil {
		t.Fatalf("a caller after an abandoned flight: %v", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("the second caller waited for the abandoned call (%s)", elapsed)
	}
}
