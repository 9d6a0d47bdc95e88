package retivo

import (
	"context"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// minRetryAfterJitter is the least spread added to a Retry-After hint.
const minRetryAfterJitter = 250 * time.Millisecond

// maxRetryAfter caps a Retry-After hint before any other bound applies, so
// that huge values cannot overflow a time.Duration.
const maxRetryAfter = 24 * time.Hour

// newRetryingClient builds the HTTP stack of a client, from the top: the
// retry loop, the per-attempt log, the grace period of an attempt already
// sent, and the transport.
func newRetryingClient(cfg Config, redactor *Redactor) *retryablehttp.Client {
	base := cfg.HTTPClient
	if base == nil {
		base = cleanhttp.DefaultPooledClient()
		// The pooled transport sets no header timeout: without one, a
		// server that reads the request and never answers holds the call
		// until the caller's deadline.
		if t, ok := base.Transport.(*http.Transport); ok {
			t.ResponseHeaderTimeout = positiveOr(cfg.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
		}
	} else {
		copied := *base
		base = &copied
	}
	base.CheckRedirect = followOnlySafeRedirects
	next := base.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	base.Transport = &loggingTransport{
		next:     &graceTransport{next: next},
		logger:   cfg.Logger,
		redactor: redactor,
	}

	rc := retryablehttp.NewClient()
	rc.HTTPClient = base
	rc.Logger = nil
	rc.RetryMax = cfg.MaxRetries
	rc.RetryWaitMin = positiveOr(cfg.RetryWaitMin, DefaultRetryWaitMin)
	rc.RetryWaitMax = max(positiveOr(cfg.RetryWaitMax, DefaultRetryWaitMax), rc.RetryWaitMin)
	rc.CheckRetry = shouldRetry
	rc.Backoff = jitteredBackoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	return rc
}

// DefaultResponseHeaderTimeout bounds the wait for an answer to start on the
// default transport, whatever the caller's deadline.
const DefaultResponseHeaderTimeout = 2 * time.Minute

// followOnlySafeRedirects follows a redirect only for a GET to the same host
// (and never from https to http). A create or update body must not go to
// wherever a redirect points, and a redirect to another host would need the
// API key there; such redirects come back as the 3xx answer instead, which
// the caller reports.
func followOnlySafeRedirects(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0]
	if first.Method != http.MethodGet || req.URL.Host != first.URL.Host ||
		(first.URL.Scheme == "https" && req.URL.Scheme != "https") {
		return http.ErrUseLastResponse
	}
	return nil
}

type noBlindResendKey struct{}

// withNoBlindResend marks a request that must not be sent twice blindly: a
// create (a second one could register a second endpoint) and the test call
// (a second one sends a second test event). Once such a request may have
// reached the server it is not retried; CreateEndpoint recovers instead.
func withNoBlindResend(ctx context.Context) context.Context {
	return context.WithValue(ctx, noBlindResendKey{}, true)
}

func noBlindResend(ctx context.Context) bool {
	v, _ := ctx.Value(noBlindResendKey{}).(bool)
	return v
}

// shouldRetry is the retry policy:
//   - An answer that needs no retry is returned as it is, even when the
//     caller has gone meanwhile: it may be a create's only copy of a secret.
//   - 429, and 503 with Retry-After, mean the server did not do the work:
//     retry any call.
//   - 502, 504 and 503 without Retry-After may come from a gateway that
//     forwarded the call: retry only calls that are safe to repeat.
//   - A connection that was never made (refused, no such host) never reached
//     the server: retry any call.
//   - Other transport failures (timeouts, resets) may have happened after the
//     request was written: retry only calls that are safe to repeat.
//   - Certificate errors, redirect loops and a caller that has gone: never
//     retry.
func shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	retry := false
	switch {
	case err != nil && isPermanentTransportError(err):
		return false, err
	case err != nil:
		retry = neverSent(err) || !noBlindResend(ctx)
	case resp.StatusCode == http.StatusTooManyRequests:
		retry = true
	case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
		retry = true
	case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable,
		resp.StatusCode == http.StatusGatewayTimeout:
		retry = !noBlindResend(ctx)
	}
	if ctxErr := ctx.Err(); ctxErr != nil && (retry || err != nil) {
		return false, ctxErr
	}
	return retry, nil
}

// neverSent reports whether a transport error proves the request never
// reached the server: the connection was refused or never dialled.
func neverSent(err error) bool {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &dnsErr):
		return true
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return true
	}
	return false
}

// mayHaveCommitted reports whether an error answer leaves the outcome of a
// create unknown: a 5xx may come after the endpoint was stored (or from a
// gateway that forwarded the call), unless it is a 503 with Retry-After,
// which says the work was not done.
func mayHaveCommitted(resp *http.Response) bool {
	if resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
		return false
	}
	return resp.StatusCode >= 500
}

// resendable reports whether a create whose outcome was unknown may be sent
// again once its possible orphans are removed: yes after a transport failure
// or a gateway error, no after a plain 500, which is reported as it is.
func resendable(apiErr *Error) bool {
	switch apiErr.StatusCode {
	case 0, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func isPermanentTransportError(err error) bool {
	if isUnknownHost(err) {
		return true // retrying does not make a name resolve
	}
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var urlErr *url.Error
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &invalid):
		return true
	case errors.As(err, &urlErr) && urlErr.Err != nil && urlErr.Err.Error() == "stopped after 10 redirects":
		return true
	}
	return false
}

// jitteredBackoff doubles the wait per attempt with full jitter, and honours
// a Retry-After hint (seconds or HTTP date) up to max.
func jitteredBackoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			// Jitter on top of the hint: clients told "1 second" together
			// must not all come back in the same instant.
			spread := max(d/2, minRetryAfterJitter)
			return min(d+rand.N(spread), maxWait)
		}
	}
	ceiling := minWait << min(attempt, 20)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	half := ceiling / 2
	return half + rand.N(half+1)
}

// parseRetryAfter reads a Retry-After header in either of its forms: a
// number of seconds or an HTTP date.
func parseRetryAfter(value string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if value[0] >= '0' && value[0] <= '9' {
		seconds, err := strconv.ParseUint(value, 10, 64)
		if err != nil {
			var numErr *strconv.NumError
			if errors.As(err, &numErr) && errors.Is(numErr.Err, strconv.ErrRange) {
				return maxRetryAfter, true
			}
			return 0, false
		}
		if seconds > uint64(maxRetryAfter/time.Second) {
			return maxRetryAfter, true
		}
		return time.Duration(seconds) * time.Second, true
	}
	when, err := http.ParseTime(value)
	if err != nil {
		return 0, false
	}
	return min(max(when.Sub(now), 0), maxRetryAfter), true
}

// isUnknownHost reports whether err says the host name does not resolve.
func isUnknownHost(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}
