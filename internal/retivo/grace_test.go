package retivo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// A create already sent when its caller gives up is still answered: the
// answer carries the only copy of the secret, so it is awaited (within
// retivo.GracePeriod) and returned. The server holds the create until the
// caller has gone, so the order is certain.
func TestGrace_createAlreadySentIsAnswered(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	if _, err := f.client.Endpoints(context.Background()); err != nil { // the baseline list
		t.Fatal(err)
	}
	f.server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Hold: true, Times: 1})
	created, err := createWhileTheCallerGoes(t, f, "https://example.com/slow")
	if err != nil {
		t.Fatalf("the create's answer was cut off with its caller: %v", err)
	}
	stored, ok := f.server.Endpoint(created.ID)
	if !ok || stored.Secret != created.Secret {
		t.Error("the returned endpoint is not on the server with the returned secret")
	}
	if n := f.server.Count(localserver.RouteCreate); n != 1 {
		t.Errorf("%d creates sent, want 1", n)
	}
}

// When the answer of a create is lost after its caller has gone, the look
// for what it may have left still runs, within retivo.GracePeriod, and names
// the leftover; nothing is resent for a caller that has gone, or deleted.
func TestGrace_leftoverNamedAfterTheCallerHasGone(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	if _, err := f.client.Endpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Hold: true, DropAfterCommit: true, Times: 1})
	_, err := createWhileTheCallerGoes(t, f, "https://example.com/lost")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want the caller's cancel, got %v", err)
	}
	stored := f.server.Endpoints()
	var leftover *retivo.LeftoverError
	if len(stored) != 1 || !errors.As(err, &leftover) || len(leftover.Leftovers) != 1 || leftover.Leftovers[0] != stored[0].ID {
		t.Errorf("the leftover was not named: server holds %d endpoints, error %v", len(stored), err)
	}
	if creates, deletes := f.server.Count(localserver.RouteCreate), f.server.Count(localserver.RouteDelete); creates != 1 || deletes != 0 {
		t.Errorf("%d creates and %d deletes; want 1 create (no resend for a caller that has gone) and no delete", creates, deletes)
	}
}

// createWhileTheCallerGoes sends a create that the server holds, cancels
// the caller once it is held, then lets the server go on.
func createWhileTheCallerGoes(t *testing.T, f *fixture, url string) (*retivo.Created, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	type result struct {
		created *retivo.Created
		err     error
	}
	done := make(chan result, 1)
	go func() {
		created, err := f.client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: url})
		done <- result{created, err}
	}()
	wait, stop := context.WithTimeout(context.Background(), 30*time.Second)
	defer stop()
	if err := f.server.WaitHeld(wait, 1); err != nil {
		t.Fatalf("the create never reached the server: %v", err)
	}
	cancel()
	f.server.ReleaseAll()
	r := <-done
	return r.created, r.err
}
