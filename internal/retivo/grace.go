package retivo

import (
	"context"
	"time"
)

// CancelGracePeriod is how long work that must outlive a cancelled caller may
// go on after the cancel: an attempt of a create already on the wire (its
// answer carries the only copy of the secret, so abandoning it leaves an
// orphan), and the clean-up of an ambiguous create. Nothing new starts after
// the cancel: no retry, no second create.
const CancelGracePeriod = 2 * time.Minute

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

type graceKey struct{}

// withGraceOnTheWire marks a call whose attempts, once sent, may finish
// after the caller gives up (see CancelGracePeriod). The waits between
// attempts still end with the caller.
func withGraceOnTheWire(ctx context.Context) context.Context {
	return context.WithValue(ctx, graceKey{}, true)
}

func graceOnTheWire(ctx context.Context) bool {
	v, _ := ctx.Value(graceKey{}).(bool)
	return v
}
