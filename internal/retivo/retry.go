package retivo

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"syscall"
)

type unsafeKey struct{}

// withNoBlindResend marks a request that must not be sent twice blindly: a
// create (a second one could register a second endpoint) and the test call
// (a second one sends a second test event). Once such a request may have
// reached the server it is not retried; CreateEndpoint recovers instead.
func withNoBlindResend(ctx context.Context) context.Context {
	return context.WithValue(ctx, unsafeKey{}, true)
}

func noBlindResend(ctx context.Context) bool {
	v, _ := ctx.Value(unsafeKey{}).(bool)
	return v
}

// shouldRetry is the retry policy:
//   - 429, and 503 with Retry-After, mean the server did not do the work:
//     retry any call.
//   - 502, 504 and 503 without Retry-After may come from a gateway that
//     forwarded the call: retry only calls that are safe to repeat.
//   - A connection that was never made (refused, no such host) never reached
//     the server: retry any call.
//   - Other transport failures (timeouts, resets) may have happened after the
//     request was written: retry only calls that are safe to repeat.
//   - Certificate errors, redirect loops and a cancelled context: never retry.
func shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		if resp != nil && err == nil {
			// An answer that arrived in the grace period after the caller
			// gave up is used as it is, never retried.
			return false, nil
		}
		return false, ctxErr
	}
	if err != nil {
		if isPermanentTransportError(err) {
			return false, err
		}
		return neverSent(err) || !noBlindResend(ctx), nil
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return true, nil
	case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
		return true, nil
	case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable,
		resp.StatusCode == http.StatusGatewayTimeout:
		return !noBlindResend(ctx), nil
	}
	return false, nil
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

// redactedError shows a scrubbed text but keeps the original for errors.Is.
type redactedError struct {
	text  string
	cause error
}

func (e *redactedError) Error() string { return e.text }
func (e *redactedError) Unwrap() error { return e.cause }

// isUnknownHost reports whether err says the host name does not resolve.
func isUnknownHost(err error) bool {
	var dnsErr *net.DNSError
	return errors.As(err, &dnsErr) && dnsErr.IsNotFound
}
