package retivo

import (
	"context"
	"errors"
	"io"
	"net/http"
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
//   - the clean-up of an ambiguous create (see CreateEndpoint).
//
// An interrupted apply therefore returns at most GracePeriod after the
// interrupt.
const GracePeriod = 2 * time.Minute

// errGraceOver ends work that outlived its caller by GracePeriod.
var errGraceOver = errors.New("the caller had gone and the grace period for finishing its work is over")

// withGrace returns a context with ctx's values that is not cancelled with
// ctx but ends GracePeriod after ctx ends, or when cancel is called.
func withGrace(ctx context.Context) (context.Context, context.CancelFunc) {
	graced, cancelCause := context.WithCancelCause(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		timer := time.AfterFunc(GracePeriod, func() { cancelCause(errGraceOver) })
		context.AfterFunc(graced, func() { timer.Stop() })
	})
	return graced, func() {
		stop()
		cancelCause(context.Canceled)
	}
}

type answerAwaitedKey struct{}

// withAnswerAwaited marks a call whose answer is awaited for GracePeriod
// after its caller has gone, once an attempt of it has been sent: a create.
func withAnswerAwaited(ctx context.Context) context.Context {
	return context.WithValue(ctx, answerAwaitedKey{}, true)
}

func answerAwaited(ctx context.Context) bool {
	v, _ := ctx.Value(answerAwaitedKey{}).(bool)
	return v
}

// graceTransport runs each attempt of a call marked withAnswerAwaited under
// withGrace, so that a caller that goes away does not cut off an answer
// already on its way. It never starts an attempt for a caller that has gone;
// the retry policy (shouldRetry) starts no further attempt either.
type graceTransport struct {
	next http.RoundTripper
}

func (t *graceTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !answerAwaited(ctx) {
		return t.next.RoundTrip(req)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	graced, cancel := withGrace(ctx)
	resp, err := t.next.RoundTrip(req.WithContext(graced))
	if err != nil {
		cancel()
		return resp, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// cancelOnClose ends an attempt's grace context once its answer is read.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
