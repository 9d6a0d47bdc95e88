package retivo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://retivo.ai/api"

// Defaults for the retry budget.
const (
	DefaultMaxRetries   = 5
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
)

// DefaultMaxResponseBytes bounds how much of any answer the client reads.
const DefaultMaxResponseBytes int64 = 16 << 20

const endpointsPath = "/webhooks/endpoints"

// Config configures a Client.
type Config struct {
	// BaseURL is the API root, e.g. https://retivo.ai/api. Empty means DefaultBaseURL.
	BaseURL string
	// APIKey is the bearer token, starting with rt_live_ or rt_test_.
	APIKey string
	// UserAgent is sent on every request.
	UserAgent string
	// HTTPClient carries the requests. Empty means a pooled client with sane
	// timeouts. Its CheckRedirect is replaced so that the API key never follows
	// a redirect to another host.
	HTTPClient *http.Client
	// MaxRetries is how many times a retryable failure is retried; negative
	// means 0, zero means DefaultMaxRetries.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the wait between attempts; the upper
	// bound also caps how long a Retry-After hint is honoured.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MaxResponseBytes bounds the size of an answer; zero means DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// Logger receives one entry per HTTP attempt; nil logs nothing.
	Logger Logger
	// SnapshotMaxAge bounds how long a shared list snapshot is served; zero
	// means DefaultSnapshotMaxAge.
	SnapshotMaxAge time.Duration
}

// Client calls the Retivo webhooks API. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	apiKey    string
	userAgent string
	maxBytes  int64
	http      *retryablehttp.Client
	redactor  *Redactor
	logging   *loggingTransport
	snapshots *snapshotCache

	baselineMu sync.Mutex
}

// New returns a client for cfg. It checks the configuration but makes no request.
func New(cfg Config) (*Client, error) {
	base, err := ParseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if err := CheckAPIKey(cfg.APIKey); err != nil {
		return nil, err
	}
	c := &Client{
		base:      base,
		apiKey:    cfg.APIKey,
		userAgent: cfg.UserAgent,
		maxBytes:  cfg.MaxResponseBytes,
		redactor:  NewRedactor(cfg.APIKey),
		snapshots: accountCache(base.String(), cfg.APIKey, cfg.SnapshotMaxAge),
	}
	if c.maxBytes <= 0 {
		c.maxBytes = DefaultMaxResponseBytes
	}
	c.http, c.logging = newRetryingClient(cfg, c.redactor)
	return c, nil
}

// SetLogger sets where the per-attempt HTTP log goes. Call it before the
// client is used.
func (c *Client) SetLogger(l Logger) { c.logging.logger = l }

// Redactor returns the redactor that knows the API key and every secret this
// client has seen, so callers can scrub text they show to people.
func (c *Client) Redactor() *Redactor { return c.redactor }

// ParseBaseURL checks that raw is an absolute http or https URL and returns it
// without a trailing slash. Empty means DefaultBaseURL.
func ParseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %q is not an absolute http or https URL (for example %s)", raw, DefaultBaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("base URL %q must not carry a query, a fragment or user credentials", raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// API key prefixes: production and test mode.
const (
	LiveKeyPrefix = "rt_live_"
	TestKeyPrefix = "rt_test_"
)

// CheckAPIKey reports whether key looks like a Retivo API key. The error never
// contains the key.
func CheckAPIKey(key string) error {
	switch {
	case key == "":
		return errors.New("the API key is empty")
	case strings.TrimSpace(key) != key:
		return errors.New("the API key has leading or trailing whitespace")
	case !strings.HasPrefix(key, LiveKeyPrefix) && !strings.HasPrefix(key, TestKeyPrefix):
		return fmt.Errorf("the API key does not start with %q (live mode) or %q (test mode)", LiveKeyPrefix, TestKeyPrefix)
	case len(key) == len(LiveKeyPrefix):
		return errors.New("the API key has nothing after its prefix")
	}
	return nil
}

// ListEndpoints returns every endpoint of the account.
func (c *Client) ListEndpoints(ctx context.Context) ([]Endpoint, error) {
	var out listEndpointsResponse
	if err := c.do(ctx, http.MethodGet, endpointsPath, nil, &out); err != nil {
		return nil, err
	}
	if out.Endpoints == nil {
		return nil, c.malformed(http.MethodGet, endpointsPath, `the answer has no "endpoints" list`)
	}
	for i, e := range *out.Endpoints {
		if e.ID == "" {
			return nil, c.malformed(http.MethodGet, endpointsPath, fmt.Sprintf("endpoint %d of the list has no id", i))
		}
	}
	c.snapshots.seen(*out.Endpoints)
	return *out.Endpoints, nil
}

// createOnce sends one create call (retried only where that is safe, see
// shouldRetry). CreateEndpoint adds the recovery of ambiguous creates.
func (c *Client) createOnce(ctx context.Context, req CreateEndpointRequest) (*Endpoint, error) {
	var out endpointResponse
	err := c.do(withNoBlindResend(ctx), http.MethodPost, endpointsPath, req, &out)
	if err == nil && (out.Endpoint == nil || out.Endpoint.ID == "") {
		// The server said yes but the answer cannot be used: the endpoint
		// may exist, without a secret anyone knows.
		apiErr := c.malformed(http.MethodPost, endpointsPath, `the answer has no "endpoint" object with an id`)
		apiErr.MayHaveCommitted = true
		err = apiErr
	}
	if err != nil {
		c.snapshots.wrote()
		return nil, err
	}
	c.redactor.Add(out.Endpoint.Secret)
	c.snapshots.created(out.Endpoint.ID)
	return out.Endpoint, nil
}

// UpdateEndpoint changes an endpoint. Fields left nil in req are not sent.
func (c *Client) UpdateEndpoint(ctx context.Context, id string, req UpdateEndpointRequest) (*Endpoint, error) {
	path := endpointPath(id)
	var out endpointResponse
	err := c.do(ctx, http.MethodPut, path, req, &out)
	c.snapshots.wrote()
	if err != nil {
		return nil, err
	}
	if out.Endpoint == nil {
		// The change was accepted but the answer does not show the result
		// (an empty body, or one without the endpoint): callers keep what
		// they sent.
		out.Endpoint = &Endpoint{}
	}
	if out.Endpoint.ID == "" {
		out.Endpoint.ID = id
	}
	return out.Endpoint, nil
}

// DeleteEndpoint deletes an endpoint.
func (c *Client) DeleteEndpoint(ctx context.Context, id string) error {
	path := endpointPath(id)
	var out deleteResponse
	err := c.do(ctx, http.MethodDelete, path, nil, &out)
	c.snapshots.wrote()
	if err != nil {
		return err
	}
	if out.Deleted != nil && !*out.Deleted {
		return c.malformed(http.MethodDelete, path, `the answer says "deleted": false`)
	}
	return nil
}

// TestEndpoint asks the service to send a test event to the endpoint's URL
// and reports how the delivery went. A failed delivery is not an error.
func (c *Client) TestEndpoint(ctx context.Context, id string) (*TestResult, error) {
	path := endpointPath(id) + "/test"
	var out testResponse
	if err := c.do(withNoBlindResend(ctx), http.MethodPost, path, nil, &out); err != nil {
		return nil, err
	}
	if out.Test == nil {
		return nil, c.malformed(http.MethodPost, path, `the answer has no "test" object`)
	}
	return out.Test, nil
}

func endpointPath(id string) string {
	return endpointsPath + "/" + url.PathEscape(id)
}

func (c *Client) malformed(method, path, why string) *Error {
	return &Error{Method: method, Path: path, StatusCode: http.StatusOK, Err: errors.New(why)}
}

// do sends one call (with retries) and decodes a 2xx answer into out.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	ctx = withAttemptCounter(ctx)
	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return c.transportError(ctx, method, path, err)
	}
	defer resp.Body.Close()

	unsafe := noBlindResend(ctx)
	data, readErr := c.readBody(resp.Body)
	if readErr != nil {
		return &Error{Method: method, Path: path, StatusCode: resp.StatusCode,
			Err: readErr, MayHaveCommitted: unsafe && resp.StatusCode < 300}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := parseErrorBody(method, path, resp, data)
		apiErr.Message = c.redactor.Redact(apiErr.Message)
		apiErr.MayHaveCommitted = unsafe && mayHaveCommitted(resp)
		return apiErr
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil // an empty success: each call decides what it needed from it
	}
	if err := json.Unmarshal(data, out); err != nil {
		apiErr := &Error{Method: method, Path: path, StatusCode: resp.StatusCode,
			NotJSON: true, Err: describeDecodeError(err), MayHaveCommitted: unsafe,
			Message: c.redactor.Redact(excerpt(data))}
		if unsafe {
			// A success answer to a create carries the new endpoint's
			// secret, which the redactor does not know yet: never quote it.
			apiErr.NotJSON = false
			apiErr.Message = "the answer is not quoted because it may contain the new endpoint's secret"
		}
		return apiErr
	}
	return nil
}

func (c *Client) newRequest(ctx context.Context, method, path string, body any) (*retryablehttp.Request, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("encoding the %s %s request: %w", method, path, err)
		}
	}
	// path is already escaped (ids go through url.PathEscape) and the base
	// URL has no query or fragment, so plain concatenation is exact.
	target := c.base.String() + path
	var raw any
	if payload != nil {
		raw = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, target, raw)
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
		return nil, fmt.Errorf("the answer is larger than the %d-byte limit", c.maxBytes)
	}
	return data, nil
}

func (c *Client) transportError(ctx context.Context, method, path string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = ctxErr
	}
	return &Error{
		Method:           method,
		Path:             path,
		Err:              &redactedError{text: c.redactor.Redact(err.Error()), cause: err},
		MayHaveCommitted: noBlindResend(ctx) && !neverSent(err),
	}
}

// parseErrorBody turns a non-2xx answer into an *Error, whatever its body.
func parseErrorBody(method, path string, resp *http.Response, data []byte) *Error {
	apiErr := &Error{Method: method, Path: path, StatusCode: resp.StatusCode}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		apiErr.RetryAfter = d
	}
	var body errorResponse
	if err := json.Unmarshal(data, &body); err == nil && (body.Error != "" || body.UpgradeTo != "") {
		apiErr.Message = excerptJSONText(body.Error)
		apiErr.UpgradeTo = excerptJSONText(body.UpgradeTo)
		return apiErr
	}
	apiErr.NotJSON = true
	apiErr.Message = excerpt(data)
	return apiErr
}

// excerptJSONText keeps a server's error text readable and bounded.
func excerptJSONText(s string) string {
	return excerpt([]byte(strings.ReplaceAll(strings.ReplaceAll(s, "<", "‹"), ">", "›")))
}

func describeDecodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typeErr):
		return fmt.Errorf("field %q has a %s where a %s was expected", typeErr.Field, typeErr.Value, typeErr.Type)
	default:
		return err
	}
}

// jitteredBackoff doubles the wait per attempt with full jitter, and honours
// a Retry-After hint (seconds or HTTP date) up to max.
func jitteredBackoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, maxWait)
		}
	}
	ceiling := minWait << min(attempt, 20)
	if ceiling <= 0 || ceiling > maxWait {
		ceiling = maxWait
	}
	half := ceiling / 2
	return half + rand.N(half+1)
}

// maxRetryAfter caps a Retry-After hint before any other bound applies, so
// that huge values cannot overflow a time.Duration.
const maxRetryAfter = 24 * time.Hour

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

func newRetryingClient(cfg Config, redactor *Redactor) (*retryablehttp.Client, *loggingTransport) {
	base := cfg.HTTPClient
	if base == nil {
		base = cleanhttp.DefaultPooledClient()
	} else {
		copied := *base
		base = &copied
	}
	base.CheckRedirect = keepKeyOnSameHost
	logging := &loggingTransport{next: transportOf(base), logger: cfg.Logger, redactor: redactor}
	base.Transport = logging

	rc := retryablehttp.NewClient()
	rc.HTTPClient = base
	rc.Logger = nil
	rc.RetryMax = cfg.MaxRetries
	switch {
	case rc.RetryMax == 0:
		rc.RetryMax = DefaultMaxRetries
	case rc.RetryMax < 0:
		rc.RetryMax = 0
	}
	rc.RetryWaitMin = orDefault(cfg.RetryWaitMin, DefaultRetryWaitMin)
	rc.RetryWaitMax = orDefault(cfg.RetryWaitMax, DefaultRetryWaitMax)
	rc.RetryWaitMax = max(rc.RetryWaitMax, rc.RetryWaitMin)
	rc.CheckRetry = shouldRetry
	rc.Backoff = jitteredBackoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	return rc, logging
}

func orDefault(d, fallback time.Duration) time.Duration {
	if d <= 0 {
		return fallback
	}
	return d
}

// responseHeaderTimeout bounds the wait for an answer to start, so that a
// stalled connection cannot hold a call (or every reader of a shared list
// call) forever when no deadline is set.
const responseHeaderTimeout = 2 * time.Minute

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	t := cleanhttp.DefaultPooledTransport()
	t.ResponseHeaderTimeout = responseHeaderTimeout
	return t
}

// keepKeyOnSameHost follows redirects but drops the API key when one leads to
// another host or from https to http.
func keepKeyOnSameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	first := via[0].URL
	if req.URL.Host != first.Host || (first.Scheme == "https" && req.URL.Scheme != "https") {
		req.Header.Del("Authorization")
	}
	return nil
}
