package retivo

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind classifies an API failure by what the user has to do about it.
type Kind int

const (
	// KindOther is any failure that fits no other kind.
	KindOther Kind = iota
	// KindUnauthorized is a missing, unknown or revoked API key (401, or 403 without upgrade_to).
	KindUnauthorized
	// KindPlanLimit is a request the account's plan does not allow (402, or 403 with upgrade_to).
	KindPlanLimit
	// KindNotFound is an unknown endpoint id (404).
	KindNotFound
	// KindValidation is a request the server rejected as invalid (400, 409, 422).
	KindValidation
	// KindRateLimited is a call that ended rate limited: a 429, a 503 with
	// Retry-After, or a request the client's pacer held until the deadline.
	KindRateLimited
	// KindServerFault is a 5xx answer.
	KindServerFault
	// KindMalformedResponse is a 2xx answer whose body could not be understood.
	KindMalformedResponse
	// KindTransport is a failure to reach the server or to read its answer.
	KindTransport
	// KindWrongBaseURL is a 404 that means the base URL does not point at
	// the API (see Error.WrongBaseURL), as opposed to an unknown endpoint.
	KindWrongBaseURL
)

func (k Kind) String() string {
	switch k {
	case KindUnauthorized:
		return "unauthorized"
	case KindPlanLimit:
		return "plan limit"
	case KindNotFound:
		return "not found"
	case KindValidation:
		return "validation"
	case KindRateLimited:
		return "rate limited"
	case KindServerFault:
		return "server fault"
	case KindMalformedResponse:
		return "malformed response"
	case KindTransport:
		return "transport"
	case KindWrongBaseURL:
		return "wrong base URL"
	default:
		return "other"
	}
}

// Error is the one error type the client returns for a failed call.
type Error struct {
	// Method and Path name the call, e.g. "POST" and "/webhooks/endpoints".
	Method string
	Path   string
	// StatusCode is the HTTP status of the answer; 0 when there was none.
	StatusCode int
	// Message is a short, cleaned excerpt of the server's "error" text; for
	// the body of a server fault, or one that was not JSON, every token-like
	// run in it is masked (see MaskTokenLike).
	Message string
	// UpgradeTo names the plan that would allow the request, when the server said.
	UpgradeTo string
	// NotJSON reports that the error body was not a JSON error object.
	NotJSON bool
	// RetryAfter is the server's Retry-After hint on a 429 or 503, if any.
	RetryAfter time.Duration
	// RateLimited reports that the call ended while rate limited: its last
	// answer was a 429 or a 503 with Retry-After, or the client's pacer held
	// it until the caller's deadline.
	RateLimited bool
	// MayHaveCommitted reports that the request may have reached the server
	// although no answer came back, so a create may have taken effect.
	MayHaveCommitted bool
	// Err is the underlying transport or decoding error, if any.
	Err error

	redactor *Redactor // masks known sensitive values in Error()
}

// Kind classifies the error.
func (e *Error) Kind() Kind {
	switch {
	case e.RateLimited || e.StatusCode == http.StatusTooManyRequests:
		return KindRateLimited
	case e.Err != nil && e.StatusCode == 0:
		return KindTransport
	case e.StatusCode >= 200 && e.StatusCode < 300:
		return KindMalformedResponse
	case e.StatusCode == http.StatusUnauthorized:
		return KindUnauthorized
	case e.StatusCode == http.StatusPaymentRequired:
		return KindPlanLimit
	case e.StatusCode == http.StatusForbidden && e.UpgradeTo != "":
		return KindPlanLimit
	case e.StatusCode == http.StatusForbidden:
		return KindUnauthorized
	case e.StatusCode == http.StatusNotFound && e.WrongBaseURL():
		return KindWrongBaseURL
	case e.StatusCode == http.StatusNotFound:
		return KindNotFound
	case e.StatusCode == http.StatusBadRequest, e.StatusCode == http.StatusConflict,
		e.StatusCode == http.StatusUnprocessableEntity:
		return KindValidation
	case e.StatusCode >= 500:
		return KindServerFault
	default:
		return KindOther
	}
}

// Error is the error's text, with the sensitive values the client knows now
// masked and cleaned (CleanText) whatever its parts hold.
func (e *Error) Error() string {
	text := e.text()
	if e.redactor != nil {
		text = e.redactor.Redact(text)
	}
	return CleanText(text)
}

// ServerMessage is Message with the sensitive values the client knows now
// masked, cleaned (CleanText).
func (e *Error) ServerMessage() string {
	if e.redactor != nil {
		return CleanText(e.redactor.Redact(e.Message))
	}
	return CleanText(e.Message)
}

func (e *Error) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", e.Method, e.Path)
	switch {
	case e.StatusCode == 0 && e.Err != nil:
		fmt.Fprintf(&b, ": %v", e.Err)
		return b.String()
	case e.StatusCode >= 200 && e.StatusCode < 300 && errors.Is(e.Err, ErrAnswerTooLarge):
		fmt.Fprintf(&b, ": the server answered %s with more than the client reads", statusLine(e.StatusCode))
	case e.StatusCode >= 200 && e.StatusCode < 300 && errors.Is(e.Err, ErrPartialList):
		fmt.Fprintf(&b, ": the server answered %s with only part of the list", statusLine(e.StatusCode))
	case e.StatusCode >= 200 && e.StatusCode < 300 && errors.Is(e.Err, ErrAnswerMismatch):
		fmt.Fprintf(&b, ": the server answered %s", statusLine(e.StatusCode))
	case e.StatusCode >= 200 && e.StatusCode < 300:
		fmt.Fprintf(&b, ": the server answered %s but its body could not be read as the expected JSON", statusLine(e.StatusCode))
	default:
		fmt.Fprintf(&b, ": the server answered %s", statusLine(e.StatusCode))
	}
	if e.Err != nil {
		fmt.Fprintf(&b, " (%v)", e.Err)
	}
	switch {
	case e.Message == "" && e.NotJSON:
		b.WriteString(" with an empty body")
	case e.NotJSON:
		fmt.Fprintf(&b, " with a body that is not JSON: %q", e.Message)
	case e.Message != "":
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.UpgradeTo != "" {
		fmt.Fprintf(&b, " (upgrade to the %q plan to allow this)", e.UpgradeTo)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// withCause is a copy of e whose cause is err: an Error is never changed
// once made.
func (e *Error) withCause(err error) *Error {
	c := *e
	c.Err = err
	return &c
}

// WrongBaseURL reports whether a 404 answer means that the base URL does not
// point at the API: the collection route always exists, so a 404 there is
// never about an endpoint, and Retivo reports an unknown endpoint with its
// JSON error object, so any other 404 body comes from something else (a web
// server, a proxy, the wrong path).
func (e *Error) WrongBaseURL() bool {
	return e.StatusCode == http.StatusNotFound && (e.Path == endpointsPath || e.NotJSON)
}

func statusLine(code int) string {
	if text := http.StatusText(code); text != "" {
		return fmt.Sprintf("%d %s", code, text)
	}
	return fmt.Sprintf("%d", code)
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var apiErr *Error
	if errors.As(err, &apiErr) {
		return apiErr, true
	}
	return nil, false
}

// KindOf classifies err; errors that are not an *Error are KindOther.
func KindOf(err error) Kind {
	if apiErr, ok := AsError(err); ok {
		return apiErr.Kind()
	}
	return KindOther
}

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return KindOf(err) == KindNotFound }

// maxExcerpt bounds the body excerpt quoted in an error, in runes.
const maxExcerpt = 200

// excerpt turns an arbitrary error body into one short line a person can read:
// HTML tags dropped, cleaned (CleanText), truncated.
func excerpt(body string) string {
	return truncate(CleanText(stripTags(strings.ToValidUTF8(body, "\uFFFD"))), maxExcerpt)
}

// tokenFreeExcerpt is excerpt with every token-like run masked
// (MaskTokenLike), for the bodies nobody vetted: a server fault's and any
// that is not JSON. Tokens are masked before the cut, so that the cut
// cannot leave a short piece of one behind.
func tokenFreeExcerpt(body string) string {
	return truncate(CleanText(MaskTokenLike(stripTags(strings.ToValidUTF8(body, "\uFFFD")))), maxExcerpt)
}

// CleanText makes a text from Retivo or a receiver safe to show in a
// terminal, a diagnostic or a log: invalid UTF-8 becomes U+FFFD, and every
// run of whitespace, control characters (C0, DEL, C1: ESC sequences, CR, NUL)
// and bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E,
// U+2066–U+2069, which reorder what is shown) becomes one space, with none at
// either end. The text becomes one line; nothing else changes.
func CleanText(s string) string {
	if isClean(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if isUnsafeRune(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isUnsafeRune reports whether CleanText replaces r.
func isUnsafeRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)
}

// isClean reports whether CleanText would leave s as it is, without
// building a copy: the common case of a short plain text.
func isClean(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for i, r := range s {
		if r == ' ' && i > 0 && i < len(s)-1 && s[i-1] != ' ' {
			continue // a single space inside the text stays
		}
		if isUnsafeRune(r) {
			return false
		}
	}
	return true
}

// displayText is how a receiver's text from a test answer (its status text,
// the delivery error) is returned: cleaned (CleanText) and at most
// maxExcerpt runes long, as it is shown as it is in results, progress
// messages and diagnostics.
func displayText(s string) string {
	return truncate(CleanText(s), maxExcerpt)
}

// truncate cuts s to at most limit runes, marking a cut with "…".
func truncate(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	return string(runes[:limit]) + "…"
}

// stripTags removes anything between < and >, which is enough to turn a
// proxy's error page into its visible text.
func stripTags(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '<':
			depth++
			b.WriteByte(' ')
		case r == '>' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}
