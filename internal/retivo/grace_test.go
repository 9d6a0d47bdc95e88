package retivo_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// A create already sent when its caller times out is still answered: the
// answer carries the only copy of the secret, so it is awaited (within
// retivo.GracePeriod) and returned.
func TestGrace_createAlreadySentIsAnswered(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	if _, err := f.client.Endpoints(context.Background()); err != nil { // the baseline list
		t.Fatal(err)
	}
	f.server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Delay: 300 * time.Millisecond, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	created, err := f.client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/slow"})
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

// When the answer of a create is lost after its caller timed out, the look
// for what it may have left still runs, within retivo.GracePeriod, and names
// the leftover; nothing is resent for a caller that has gone, or deleted.
func TestGrace_leftoverNamedAfterTheCallerHasGone(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	if _, err := f.client.Endpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Delay: 300 * time.Millisecond,
		DropAfterCommit: true, Times: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/lost"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the caller's deadline, got %v", err)
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
