package retivo

import (
	"context"
	"net/http"
	"sync/atomic"
	"time"
)

// Logger receives one entry per HTTP attempt. The client masks the API key
// (and any part of 8 or more characters of its body), every webhook secret
// it knows and any token a transport error quotes from the server in the
// message and in every string field before the entry reaches the Logger.
// Entries carry no answer body.
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
	resp, err := t.roundTrip(req, attemptOf(req))
	attemptAnswered(req, resp, err)
	return resp, err
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
	msg := "Retivo API request"
	if err != nil {
		msg = "Retivo API request failed"
		fields["error"] = err.Error()
	} else {
		fields["status"] = resp.StatusCode
	}
	t.log(req.Context(), msg, fields)
	return resp, err
}

// log masks every known secret in the string fields (msg is one of
// roundTrip's fixed texts), and any token a transport error quotes from the
// server's answer (maskTransportQuote), cleans them (CleanText), then logs.
func (t *loggingTransport) log(ctx context.Context, msg string, fields map[string]any) {
	for name, value := range fields {
		if s, ok := value.(string); ok {
			fields[name] = CleanText(maskTransportQuote(t.redactor.Redact(s)))
		}
	}
	t.logger.Debug(ctx, msg, fields)
}

// attempts follows the attempts of one logical request. retryablehttp sends
// each attempt with the same *http.Request context, so a record stored there
// sees them all.
type attempts struct {
	count atomic.Int64
	// answered reports that the latest attempt got an answer that settles
	// it: any status but a 5xx that may come after the work was done.
	answered atomic.Bool
}

type attemptKey struct{}

func attemptsOf(ctx context.Context) *attempts {
	a, _ := ctx.Value(attemptKey{}).(*attempts)
	return a
}

// attemptOf numbers an attempt of the request.
func attemptOf(req *http.Request) int64 {
	if a := attemptsOf(req.Context()); a != nil {
		a.answered.Store(false)
		return a.count.Add(1)
	}
	return 1
}

// attemptAnswered records how the request's latest attempt ended.
func attemptAnswered(req *http.Request, resp *http.Response, err error) {
	if a := attemptsOf(req.Context()); a != nil {
		a.answered.Store(err == nil && resp != nil && !mayHaveCommitted(resp))
	}
}

// attemptsMade is how many attempts the call of ctx has made so far.
func attemptsMade(ctx context.Context) int64 {
	if a := attemptsOf(ctx); a != nil {
		return a.count.Load()
	}
	return 0
}

// lastAttemptAnswered reports whether the call's latest attempt got an
// answer that settles it (see attempts.answered).
func lastAttemptAnswered(ctx context.Context) bool {
	a := attemptsOf(ctx)
	return a != nil && a.answered.Load()
}

func withAttemptCounter(ctx context.Context) context.Context {
	return context.WithValue(ctx, attemptKey{}, new(attempts))
}
