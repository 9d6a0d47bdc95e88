package retivo

import (
	"context"
	"errors"
	"time"
)

// Deadlines. Every call runs under its caller's context: the caller's
// deadline (a resource's timeouts, or the provider's default for callers
// without one) bounds the call, retries included. The client adds no
// deadline of its own, with one exception:
//
// GracePeriod is how long work that must outlive a cancelled or timed-out
// caller may go on after the caller has gone. It covers two things, both of
// which would otherwise leave an endpoint whose secret nobody has:
//
//   - a create already sent: its answer, which carries the only copy of the
//     secret, is still awaited (but no new attempt starts);
//   - the look for what a create with an unknown outcome may have left (see
//     CreateEndpoint).
//
// An interrupted apply therefore returns at most GracePeriod after the
// interrupt.
const GracePeriod = 2 * time.Minute

// errGraceOver ends work that outlived its caller by GracePeriod.
var errGraceOver = errors.New("the caller had gone and the grace period for finishing its work is over")

// withGrace returns a context with ctx's values that is not cancelled with
// ctx but ends GracePeriod after ctx ends (on clock), or when cancel is
// called.
func withGrace(ctx context.Context, clock Clock) (context.Context, context.CancelFunc) {
	graced, cancelCause := context.WithCancelCause(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		stopTimer := clock.AfterFunc(GracePeriod, func() { cancelCause(errGraceOver) })
		context.AfterFunc(graced, func() { stopTimer() })
	})
	return graced, func() {
		stop()
		cancelCause(context.Canceled)
	}
}
