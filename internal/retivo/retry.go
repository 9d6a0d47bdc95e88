package retivo

import (
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
)

// minRetryAfterJitter is the least spread added to a Retry-After hint.
const minRetryAfterJitter = 250 * time.Millisecond

// maxRetryAfter caps a Retry-After hint before any other bound applies, so
// that huge values cannot overflow a time.Duration.
const maxRetryAfter = 24 * time.Hour

// newHTTPClient is the HTTP client of a Client: cfg's, or a pooled one with
// a header timeout, that follows only safe redirects.
func newHTTPClient(cfg Config) *http.Client {
	if cfg.HTTPClient == nil {
		base := cleanhttp.DefaultPooledClient()
		// The pooled transport sets no header timeout: without one, a
		// server that reads the request and never answers holds the call
		// until the caller's deadline.
		if t, ok := base.Transport.(*http.Transport); ok {
			t.ResponseHeaderTimeout = positiveOr(cfg.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
		}
		base.CheckRedirect = followOnlySafeRedirects
		return base
	}
	copied := *cfg.HTTPClient
	copied.CheckRedirect = followOnlySafeRedirects
	return &copied
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

// resendable reports whether a create whose outcome was unknown may be sent
// again: yes after a transport failure or a gateway error, no after a plain
// 500, which is reported as it is.
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

// backoff is the wait before the nth retry: doubling per retry from
// minWait, with full jitter, at most maxWait.
func backoff(minWait, maxWait time.Duration, nth int) time.Duration {
	ceiling := minWait << min(nth, 20)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	half := ceiling / 2
	return half + rand.N(half+1)
}

// retryAfterWithJitter is a Retry-After hint, cut to maxWait, with jitter
// on top: clients told "1 second" together must not all come back in the
// same instant.
func retryAfterWithJitter(d, maxWait time.Duration) time.Duration {
	d = min(d, maxWait)
	return d + rand.N(max(d/2, minRetryAfterJitter))
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
