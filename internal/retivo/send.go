package retivo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// callKind says what sending a call twice would do, which decides whether
// an attempt whose outcome is unknown may be sent again. Each API call
// names its kind; nothing about a call's fate travels in its context.
//
//	kind    429, 503+Retry-After      5xx or dropped after sending     not sent (refused)
//	list    wait, retry to deadline   retry (max_retries)              retry (max_retries)
//	update  wait, retry to deadline   retry (max_retries)              retry (max_retries)
//	delete  wait, retry to deadline   retry (max_retries)              retry (max_retries)
//	create  wait, retry to deadline   stop: unknown outcome (1)        retry (max_retries)
//	test    wait, retry to deadline   stop: unknown outcome (2)        retry (max_retries)
//
// (1) CreateEndpoint decides: it may resend, and names what the attempt may
// have left. (2) A second send would deliver a second test event.
// A rate-limit answer says the server did no work, so waiting it out is
// never counted against max_retries; only the caller's deadline ends it.
type callKind struct {
	// idempotent calls may be sent again after an unknown outcome.
	idempotent bool
	// awaitsAnswer calls, once sent, wait for their answer up to
	// GracePeriod after the caller has gone: a create's answer is the only
	// copy of the new endpoint's secret.
	awaitsAnswer bool
}

var (
	listCall   = callKind{idempotent: true}
	updateCall = callKind{idempotent: true}
	deleteCall = callKind{idempotent: true}
	createCall = callKind{awaitsAnswer: true}
	testCall   = callKind{}
)

// attempt is how one HTTP attempt ended.
type attempt struct {
	status int
	header http.Header
	body   []byte
	err    error // the transport failed, or the answer could not be read
	sent   bool  // the request may have reached the server
}

// rateLimited reports an answer that says "later": the work was not done.
// Its status says so, whether or not its body could be read.
func (a attempt) rateLimited() bool {
	return a.status == http.StatusTooManyRequests ||
		(a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") != "")
}

// fault reports a failure that a later attempt may not meet: a 5xx (but a
// rate limit), an answer cut off in transit, or a transport failure that is
// not permanent. A success answer too large to read is no fault: it would
// be the same again.
func (a attempt) fault() bool {
	switch {
	case a.status == 0:
		return !isPermanentTransportError(a.err)
	case a.rateLimited():
		return false
	case a.err != nil: // a body cut off in transit: its status decides, a success's outcome is unknown
		return a.status >= 500 || (a.status < 300 && !errors.Is(a.err, ErrAnswerTooLarge))
	}
	return a.status >= 500
}

// send sends one API call: attempts, waits and resends are decided here,
// top to bottom, by the call's kind (see callKind). It decodes a 2xx answer
// into out and returns the answer's status.
func (c *Client) send(ctx context.Context, kind callKind, method, path string, body, out any) (int, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return 0, fmt.Errorf("encoding the %s %s request: %w", method, path, err)
		}
	}
	started := c.clock.Now()
	faults, rateLimits := 0, 0
	var last, lastLimited attempt
	for n := 1; ; n++ {
		if err := c.pacer.wait(ctx); err != nil {
			return c.giveUp(method, path, last, lastLimited, n-1, started, err, false)
		}
		last = c.attemptOnce(ctx, kind, method, path, payload)
		switch {
		case last.rateLimited():
			rateLimits, lastLimited = rateLimits+1, last
			c.pacer.limited()
			wait := c.rateLimitWait(last, rateLimits)
			c.logAttempt(ctx, method, path, n, last, wait)
			if err := c.clock.Sleep(ctx, wait); err != nil {
				return c.giveUp(method, path, last, lastLimited, n, started, err, false)
			}
			continue
		case last.status == 0 && !last.fault(): // no name resolution, a bad certificate: nothing was sent
			c.logAttempt(ctx, method, path, n, last, 0)
			return c.giveUp(method, path, last, lastLimited, n, started, nil, false)
		case !last.fault():
			c.logAttempt(ctx, method, path, n, last, 0)
			c.pacer.answeredNormally()
			return c.settle(method, path, kind, last, out)
		}
		if unknown := last.sent && !kind.idempotent; unknown || faults >= c.maxRetries || ctx.Err() != nil {
			c.logAttempt(ctx, method, path, n, last, 0)
			return c.giveUp(method, path, last, lastLimited, n, started, ctx.Err(), unknown)
		}
		faults++
		wait := backoff(c.retryWaitMin, c.retryWaitMax, faults)
		c.logAttempt(ctx, method, path, n, last, wait)
		if err := c.clock.Sleep(ctx, wait); err != nil {
			return c.giveUp(method, path, last, lastLimited, n, started, err, false)
		}
	}
}

// giveUp is the error of a call that makes no further attempt: the last
// attempt's answer or failure, and, when the caller's context ended a wait,
// that (cause). A call that met a rate limit (lastLimited) and then ran out
// of time reports the rate limit. unknown reports that the last attempt may
// have reached the server although its outcome is unknown.
func (c *Client) giveUp(method, path string, last, lastLimited attempt, attempts int, started time.Time, cause error, unknown bool) (int, error) {
	elapsed := c.clock.Now().Sub(started).Round(100 * time.Millisecond)
	var paced *pacedError
	switch {
	case lastLimited.status != 0 && cause != nil && !unknown:
		return lastLimited.status, c.answerError(method, path, lastLimited, fmt.Errorf("%w while waiting out the "+
			"rate limit (%d attempts over %s)", cause, attempts, elapsed), false)
	case last.status != 0 && last.err != nil: // an answer cut off in transit
		return last.status, &Error{Method: method, Path: path, StatusCode: last.status, Err: last.err,
			MayHaveCommitted: unknown, redactor: c.redactor}
	case last.status != 0:
		return last.status, c.answerError(method, path, last, cause, unknown)
	case errors.As(cause, &paced):
		// Held by the pacer, slowed by rate limits or capped: a rate limit.
		return 0, &Error{Method: method, Path: path, RateLimited: true, Err: cause, redactor: c.redactor}
	case cause != nil: // the caller's deadline or cancel says more than a failure it cut short
		return 0, c.transportError(method, path, cause, attempts, started, unknown)
	default:
		return 0, c.transportError(method, path, last.err, attempts, started, unknown)
	}
}

// rateLimitWait is how long to wait after a rate-limit answer: its
// Retry-After with jitter, or the backoff of the nth rate limit in a row;
// at most RetryWaitMax.
func (c *Client) rateLimitWait(a attempt, nth int) time.Duration {
	if d, ok := parseRetryAfter(a.header.Get("Retry-After"), c.clock.Now()); ok {
		return retryAfterWithJitter(d, c.retryWaitMax)
	}
	return backoff(c.retryWaitMin, c.retryWaitMax, nth)
}

// attemptOnce sends one attempt and reads its answer. An attempt of a call
// that awaits its answer runs, once sent, under a grace context (see
// GracePeriod); no attempt starts for a caller that has gone.
func (c *Client) attemptOnce(ctx context.Context, kind callKind, method, path string, payload []byte) attempt {
	if err := ctx.Err(); err != nil {
		return attempt{err: err}
	}
	if kind.awaitsAnswer {
		graced, cancel := withGrace(ctx, c.clock)
		defer cancel()
		ctx = graced
	}
	req, err := c.newRequest(ctx, method, path, payload)
	if err != nil {
		return attempt{err: err}
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return attempt{err: err, sent: !neverSent(err)}
	}
	defer resp.Body.Close()
	data, err := c.readBody(resp.Body)
	if errors.Is(err, ErrAnswerTooLarge) && (resp.StatusCode < 200 || resp.StatusCode > 299) {
		data, err = nil, nil // an error answer too large to show: its status says enough
	}
	return attempt{status: resp.StatusCode, header: resp.Header, body: data, err: err, sent: true}
}

// settle turns an answer that needs no other attempt into the call's
// result: a 2xx decoded into out, anything else an *Error.
func (c *Client) settle(method, path string, kind callKind, a attempt, out any) (int, error) {
	unsafe := !kind.idempotent
	if a.err != nil { // an answer that could not be read
		return a.status, &Error{Method: method, Path: path, StatusCode: a.status, Err: a.err,
			MayHaveCommitted: unsafe && a.status < 300, redactor: c.redactor}
	}
	if a.status < 200 || a.status > 299 {
		return a.status, c.answerError(method, path, a, nil, false)
	}
	if len(bytes.TrimSpace(a.body)) == 0 {
		return a.status, nil // an empty success: each call decides what it needed from it
	}
	if err := json.Unmarshal(a.body, out); err != nil {
		apiErr := &Error{Method: method, Path: path, StatusCode: a.status, NotJSON: true,
			Err: describeDecodeError(err), MayHaveCommitted: unsafe,
			Message: tokenFreeExcerpt(c.redactor.Redact(string(a.body))), redactor: c.redactor}
		if unsafe {
			// A success answer to a create carries the new endpoint's
			// secret, which the redactor does not know yet: never quote it.
			apiErr.NotJSON = false
			apiErr.Message = "the answer is not quoted because it may contain the new endpoint's secret"
		}
		return a.status, apiErr
	}
	return a.status, nil
}

// answerError is the *Error for a non-2xx answer; cause, if any, says why
// no further attempt was made.
func (c *Client) answerError(method, path string, a attempt, cause error, unknown bool) *Error {
	apiErr := parseErrorBody(method, path, a.status, a.header, a.body, c.redactor, c.clock.Now())
	apiErr.MayHaveCommitted = unknown
	apiErr.RateLimited = a.rateLimited()
	if a.status >= 300 && a.status < 400 {
		apiErr.Err = fmt.Errorf("a redirect to %s, which is not followed for a %s request or to another "+
			"host: set base_url to the address the API answers at", quoteURL(c.redactor.Redact(a.header.Get("Location"))), method)
	}
	if cause != nil {
		apiErr.Err = cause
	}
	return apiErr
}

func (c *Client) newRequest(ctx context.Context, method, path string, payload []byte) (*http.Request, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	// path is already escaped (ids go through url.PathEscape) and the base
	// URL has no query or fragment, so plain concatenation is exact.
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return nil, fmt.Errorf("building the %s %s request: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.apiKey)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	return req, nil
}

// readBody reads at most maxBytes; a longer answer is an error rather than a
// silently truncated document.
func (c *Client) readBody(body io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(body, c.maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %w", err)
	}
	if int64(len(data)) > c.maxBytes {
		return nil, fmt.Errorf("%w of %d bytes", ErrAnswerTooLarge, c.maxBytes)
	}
	return data, nil
}

// transportError is the *Error for a call whose last attempt got no answer.
// unknown reports that the attempt may have reached the server.
func (c *Client) transportError(method, path string, err error, attempts int, started time.Time, unknown bool) *Error {
	text := maskTransportQuote(c.redactor.Redact(err.Error()))
	switch {
	case isUnknownHost(err):
		text += " (the host name does not resolve: check base_url)"
	case attempts > 1:
		text += fmt.Sprintf(" (after %d attempts over %s)", attempts, c.clock.Now().Sub(started).Round(100*time.Millisecond))
	}
	return &Error{Method: method, Path: path, Err: &redactedError{text: text, cause: err},
		MayHaveCommitted: unknown, redactor: c.redactor}
}

// logAttempt logs one attempt: method, path, attempt number, status or
// error. Logging decides nothing.
func (c *Client) logAttempt(ctx context.Context, method, path string, n int, a attempt, wait time.Duration) {
	if c.logger == nil {
		return
	}
	fields := map[string]any{"method": method, "path": c.base.Path + path, "attempt": n}
	if wait > 0 {
		fields["wait_ms"] = wait.Milliseconds() // before the next attempt
	}
	msg := "Retivo API request"
	if a.status != 0 {
		fields["status"] = a.status
	}
	if a.err != nil {
		msg = "Retivo API request failed"
		fields["error"] = CleanText(maskTransportQuote(c.redactor.Redact(a.err.Error())))
	}
	c.logger.Debug(ctx, msg, fields)
}

// redactedError shows a scrubbed text but keeps the original for errors.Is.
type redactedError struct {
	text  string
	cause error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.cause }
