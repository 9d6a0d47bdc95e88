package retivo

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"syscall"
)

type createKey struct{}

// withCreate marks a request as a create, which must not be sent twice
// blindly: if it may have reached the server, resending it could register a
// second endpoint.
func withCreate(ctx context.Context) context.Context {
	return context.WithValue(ctx, createKey{}, true)
}

func isCreate(ctx context.Context) bool {
	v, _ := ctx.Value(createKey{}).(bool)
	return v
}

// shouldRetry is the retry policy:
//   - 429 and 503 mean the server did not do the work: retry any call.
//   - 502 and 504 come from a gateway that may have forwarded the call: retry
//     anything but a create, whose outcome is then unknown (see MayHaveCommitted).
//   - A refused connection never reached the server: retry any call.
//   - Other transport failures (timeouts, resets) may have happened after the
//     request was written: retry anything but a create.
//   - Certificate errors, redirect loops and a cancelled context: never retry.
func shouldRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		if isPermanentTransportError(err) {
			return false, err
		}
		return neverSent(err) || !isCreate(ctx), nil
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true, nil
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return !isCreate(ctx), nil
	}
	return false, nil
}

// neverSent reports whether a transport error proves the request never
// reached the server.
func neverSent(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

func isPermanentTransportError(err error) bool {
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
