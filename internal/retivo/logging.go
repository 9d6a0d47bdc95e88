package retivo

import (
	"context"
	"io"
	"net/http"
	"sync/atomic"
	"time"
)

// Logger receives one entry per HTTP attempt. Fields never carry the API key,
// the Authorization header or a webhook secret.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
}

// loggingTransport logs every attempt: method, path, status, duration and
// attempt number. It sits below the retry loop, so retries show up one by one.
type loggingTransport struct {
	next     http.RoundTripper
	logger   Logger
	redactor *Redactor
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	attempt := attemptOf(req)
	if graceOnTheWire(req.Context()) {
		// This attempt, once sent, outlives a cancelled caller by up to
		// CancelGracePeriod; the body is read under the same context.
		detached, release := outlivingCaller(req.Context())
		resp, err := t.roundTrip(req.WithContext(detached), attempt)
		if err != nil || resp == nil {
			release()
			return resp, err
		}
		resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
		return resp, nil
	}
	return t.roundTrip(req, attempt)
}

func (t *loggingTransport) roundTrip(req *http.Request, attempt int64) (*http.Response, error) {
	if t.logger == nil {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"method":      req.Method,
		"path":        req.URL.Path,
		"attempt":     attempt,
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if err != nil {
		fields["error"] = t.redactor.Redact(err.Error())
		t.logger.Debug(req.Context(), "Retivo API request failed", fields)
		return resp, err
	}
	fields["status"] = resp.StatusCode
	t.logger.Debug(req.Context(), "Retivo API request", fields)
	return resp, err
}

// attemptOf numbers the attempts of one logical request. retryablehttp sends
// each attempt with the same *http.Request context, so a counter stored there
// sees them all.
func attemptOf(req *http.Request) int64 {
	if counter, ok := req.Context().Value(attemptKey{}).(*atomic.Int64); ok {
		return counter.Add(1)
	}
	return 1
}

type attemptKey struct{}

// attemptsMade is how many attempts the call of ctx has made so far.
func attemptsMade(ctx context.Context) int64 {
	if counter, ok := ctx.Value(attemptKey{}).(*atomic.Int64); ok {
		return counter.Load()
	}
	return 0
}

func withAttemptCounter(ctx context.Context) context.Context {
	return context.WithValue(ctx, attemptKey{}, new(atomic.Int64))
}

// releasingBody frees a detached context once the body is closed.
type releasingBody struct {
	io.ReadCloser
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.release()
	return err
}
