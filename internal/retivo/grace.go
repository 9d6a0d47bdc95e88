package retivo

import (
	"context"
	"net/http"
	"time"
)

// CancelGracePeriod is how long work that must outlive a cancelled caller may
// go on after the cancel: a create already sent (its answer carries the only
// copy of the secret, so abandoning it leaves an orphan) and the clean-up of
// an ambiguous create. Nothing new is started in the grace period: no retry,
// no second create.
const CancelGracePeriod = 2 * time.Minute

type callerKey struct{}

// outlivingCaller returns a context that is cancelled not with ctx but
// CancelGracePeriod after it. release frees its timer.
func outlivingCaller(ctx context.Context) (detached context.Context, release func()) {
	detached, cancel := context.WithCancel(context.WithoutCancel(ctx))
	timers := make(chan *time.Timer, 1)
	stop := context.AfterFunc(ctx, func() { timers <- time.AfterFunc(CancelGracePeriod, cancel) })
	return detached, func() {
		if !stop() {
			(<-timers).Stop()
		}
		cancel()
	}
}

// withCaller lets the retries of a call on a detached context see that the
// caller gave up (see noRetryAfterCallerGaveUp).
func withCaller(detached, caller context.Context) context.Context {
	return context.WithValue(detached, callerKey{}, caller)
}

// callerGaveUp reports whether the caller behind a detached context has
// been cancelled or timed out.
func callerGaveUp(ctx context.Context) error {
	if caller, ok := ctx.Value(callerKey{}).(context.Context); ok {
		return caller.Err()
	}
	return nil
}

// noRetryAfterCallerGaveUp is the retry client's PrepareRetry: an attempt
// already sent may finish in the grace period, but no new one is sent once
// the caller has given up.
func noRetryAfterCallerGaveUp(req *http.Request) error {
	return callerGaveUp(req.Context())
}
