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
	// ResponseHeaderTimeout bounds the wait for an answer to start on the
	// default transport; zero means DefaultResponseHeaderTimeout. Unused
	// with a custom HTTPClient.
	ResponseHeaderTimeout time.Duration
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
	managed   managedIDs

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
// without a trailing slash. Empty means DefaultBaseURL. Its errors never
// quote user credentials, a query or a fragment: a key pasted into the URL
// must not reach a message or a log.
func ParseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("base URL %s is not an absolute http or https URL (for example %s)", quoteURL(raw), DefaultBaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil || strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "#") {
		return nil, fmt.Errorf("base URL %s must not carry user credentials, a query or a fragment (for example %s); "+
			"give the API key as api_key or %s instead", quoteURL(raw), DefaultBaseURL, "RETIVO_API_KEY")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// quoteURL quotes a URL for a message, leaving out the parts that may carry
// credentials: user information, the query and the fragment.
func quoteURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.ContainsAny(raw, "@?#") {
			return "(not shown, as it may carry credentials)"
		}
		return fmt.Sprintf("%q", excerpt(raw))
	}
	shown := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, Opaque: u.Opaque}
	if shown.Opaque != "" && strings.ContainsAny(shown.Opaque, "@") {
		shown.Opaque = "…"
	}
	var hidden []string
	if u.User != nil {
		hidden = append(hidden, "user credentials")
	}
	if u.RawQuery != "" || u.ForceQuery {
		hidden = append(hidden, "a query")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		hidden = append(hidden, "a fragment")
	}
	quoted := fmt.Sprintf("%q", excerpt(shown.String()))
	if len(hidden) > 0 {
		quoted += " (with " + strings.Join(hidden, ", ") + ", not shown)"
	}
	return quoted
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
	for i, r := range key {
		if r <= ' ' || r >= 0x7f {
			// Such a key cannot be sent in a header: refuse it now rather
			// than retrying "invalid header field value" for seconds.
			return fmt.Errorf("the API key has %s at position %d; keys are printable ASCII without spaces",
				describeRune(r), i+1)
		}
	}
	return nil
}

// Listing is one list answer: the account's endpoints with a valid id, and
// how many were left out because their id breaks the id rule (CheckID).
type Listing struct {
	Endpoints []Endpoint
	LeftOut   int
}

// ListEndpoints returns every endpoint of the account.
func (c *Client) ListEndpoints(ctx context.Context) (Listing, error) {
	var out listEndpointsResponse
	if err := c.do(ctx, http.MethodGet, endpointsPath, nil, &out); err != nil {
		return Listing{}, err
	}
	if out.Endpoints == nil {
		return Listing{}, c.malformed(http.MethodGet, endpointsPath, http.StatusOK, `the answer has no "endpoints" list`)
	}
	listing, err := checkListing(*out.Endpoints)
	if err != nil {
		return Listing{}, c.malformed(http.MethodGet, endpointsPath, http.StatusOK, err.Error())
	}
	c.snapshots.seen(listing.Endpoints)
	return listing, nil
}

// checkListing leaves out the endpoints whose id breaks the id rule, and
// rejects an answer that lists one id twice: which copy is the endpoint?
func checkListing(endpoints []Endpoint) (Listing, error) {
	listing := Listing{Endpoints: make([]Endpoint, 0, len(endpoints))}
	seen := make(map[string]struct{}, len(endpoints))
	for _, e := range endpoints {
		if CheckID(e.ID) != nil {
			listing.LeftOut++
			continue
		}
		if _, dup := seen[e.ID]; dup {
			return Listing{}, fmt.Errorf("the list names endpoint %s twice", QuoteID(e.ID))
		}
		seen[e.ID] = struct{}{}
		listing.Endpoints = append(listing.Endpoints, e)
	}
	return listing, nil
}

// createOnce sends one create call (retried only where that is safe, see
// shouldRetry). CreateEndpoint adds the recovery of ambiguous creates.
func (c *Client) createOnce(ctx context.Context, req CreateEndpointRequest) (*Endpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, &Error{Method: http.MethodPost, Path: endpointsPath, Err: err}
	}
	// Once sent, the create may finish after the caller gives up (Terraform
	// was interrupted): its answer is the only copy of the secret, and the
	// resource can still reach the state if it arrives in the grace period.
	var out endpointResponse
	status, err := c.doStatus(withGraceOnTheWire(withNoBlindResend(ctx)), http.MethodPost, endpointsPath, req, &out)
	if err == nil && (out.Endpoint == nil || out.Endpoint.ID == "") {
		// The server said yes but the answer cannot be used: the endpoint
		// may exist, without a secret anyone knows.
		apiErr := c.malformed(http.MethodPost, endpointsPath, status, `the answer has no "endpoint" object with an id`)
		apiErr.MayHaveCommitted = true
		err = apiErr
	}
	if err == nil {
		if idErr := CheckID(out.Endpoint.ID); idErr != nil {
			// Not ambiguous, so not recovered: the endpoint exists under an
			// id this client will never put in a request path.
			return nil, &Error{Method: http.MethodPost, Path: endpointsPath, StatusCode: status,
				Err: fmt.Errorf("the new endpoint's id is not usable (%w); the endpoint may exist on Retivo "+
					"under that id: delete it there", idErr)}
		}
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
	path, err := endpointPath(http.MethodPut, id)
	if err != nil {
		return nil, err
	}
	var out endpointResponse
	err = c.do(ctx, http.MethodPut, path, req, &out)
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
	path, err := endpointPath(http.MethodDelete, id)
	if err != nil {
		return err
	}
	var out deleteResponse
	status, err := c.doStatus(ctx, http.MethodDelete, path, nil, &out)
	c.snapshots.wrote()
	if err != nil {
		return err
	}
	if out.Deleted != nil && !*out.Deleted {
		return c.malformed(http.MethodDelete, path, status, `the answer says "deleted": false`)
	}
	return nil
}

// TestEndpoint asks the service to send a test event to the endpoint's URL
// and reports how the delivery went. A failed delivery is not an error.
func (c *Client) TestEndpoint(ctx context.Context, id string) (*TestResult, error) {
	path, err := endpointPath(http.MethodPost, id)
	if err != nil {
		return nil, err
	}
	path += "/test"
	var out testResponse
	status, err := c.doStatus(withNoBlindResend(ctx), http.MethodPost, path, nil, &out)
	if err != nil {
		return nil, err
	}
	if out.Test == nil {
		return nil, c.malformed(http.MethodPost, path, status, `the answer has no "test" object`)
	}
	out.Test.StatusText = c.redactor.Redact(out.Test.StatusText)
	out.Test.Error = c.redactor.Redact(out.Test.Error)
	return out.Test, nil
}

// endpointPath is the path of one endpoint. An id that breaks the id rule
// is never put in a path: the call fails before anything is sent.
func endpointPath(method, id string) (string, error) {
	if err := CheckID(id); err != nil {
		return "", &Error{Method: method, Path: endpointsPath + "/{id}", Err: err}
	}
	return endpointsPath + "/" + url.PathEscape(id), nil
}

// malformed is the error for a 2xx answer that cannot be used, with the
// status the server really sent.
func (c *Client) malformed(method, path string, status int, why string) *Error {
	return &Error{Method: method, Path: path, StatusCode: status, Err: errors.New(why)}
}

// do sends one call (with retries) and decodes a 2xx answer into out.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	_, err := c.doStatus(ctx, method, path, body, out)
	return err
}

// doStatus is do that also returns the status of the answer. Its errors
// mask the sensitive values the client knows when they are shown, not only
// when they were made: a secret learned meanwhile (from another resource's
// state, say) is masked too.
func (c *Client) doStatus(ctx context.Context, method, path string, body, out any) (int, error) {
	status, err := c.send(ctx, method, path, body, out)
	if apiErr, ok := AsError(err); ok {
		apiErr.redactor = c.redactor
	}
	return status, err
}

// send sends one call (with retries) and decodes a 2xx answer into out.
func (c *Client) send(ctx context.Context, method, path string, body, out any) (int, error) {
	ctx = withAttemptCounter(ctx)
	req, err := c.newRequest(ctx, method, path, body)
	if err != nil {
		return 0, err
	}
	started := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil {
			resp.Body.Close()
		}
		return 0, c.transportError(ctx, method, path, err, started)
	}
	defer resp.Body.Close()

	unsafe := noBlindResend(ctx)
	data, readErr := c.readBody(resp.Body)
	if readErr != nil {
		return resp.StatusCode, &Error{Method: method, Path: path, StatusCode: resp.StatusCode,
			Err: readErr, MayHaveCommitted: unsafe && resp.StatusCode < 300}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := parseErrorBody(method, path, resp, data, c.redactor)
		apiErr.MayHaveCommitted = unsafe && mayHaveCommitted(resp)
		if resp.StatusCode >= 300 && resp.StatusCode < 400 {
			apiErr.Err = fmt.Errorf("a redirect to %s, which is not followed for a %s request or to another "+
				"host: set base_url to the address the API answers at", quoteURL(resp.Header.Get("Location")), method)
		}
		return resp.StatusCode, apiErr
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return resp.StatusCode, nil // an empty success: each call decides what it needed from it
	}
	if err := json.Unmarshal(data, out); err != nil {
		apiErr := &Error{Method: method, Path: path, StatusCode: resp.StatusCode,
			NotJSON: true, Err: describeDecodeError(err), MayHaveCommitted: unsafe,
			Message: excerpt(c.redactor.Redact(string(data)))}
		if unsafe {
			// A success answer to a create carries the new endpoint's
			// secret, which the redactor does not know yet: never quote it.
			apiErr.NotJSON = false
			apiErr.Message = "the answer is not quoted because it may contain the new endpoint's secret"
		}
		return resp.StatusCode, apiErr
	}
	return resp.StatusCode, nil
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

func (c *Client) transportError(ctx context.Context, method, path string, err error, started time.Time) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = ctxErr
	}
	text := c.redactor.Redact(err.Error())
	switch attempts := attemptsMade(ctx); {
	case isUnknownHost(err):
		text += " (the host name does not resolve: check base_url)"
	case attempts > 1:
		text += fmt.Sprintf(" (after %d attempts over %s)", attempts, time.Since(started).Round(100*time.Millisecond))
	}
	return &Error{
		Method:           method,
		Path:             path,
		Err:              &redactedError{text: text, cause: err},
		MayHaveCommitted: noBlindResend(ctx) && !neverSent(err),
	}
}

// parseErrorBody turns a non-2xx answer into an *Error, whatever its body.
// Known sensitive values are masked before the text is cleaned up and cut,
// so that neither the cut nor the clean-up can leave a fragment unmasked.
func parseErrorBody(method, path string, resp *http.Response, data []byte, redactor *Redactor) *Error {
	apiErr := &Error{Method: method, Path: path, StatusCode: resp.StatusCode}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		apiErr.RetryAfter = d
	}
	var body errorResponse
	if err := json.Unmarshal(data, &body); err == nil && (body.Error != "" || body.UpgradeTo != "") {
		apiErr.Message = excerptJSONText(redactor.Redact(body.Error))
		apiErr.UpgradeTo = excerptJSONText(redactor.Redact(body.UpgradeTo))
		return apiErr
	}
	apiErr.NotJSON = true
	apiErr.Message = excerpt(redactor.Redact(string(data)))
	return apiErr
}

// excerptJSONText keeps a server's error text readable and bounded.
func excerptJSONText(s string) string {
	return excerpt(strings.ReplaceAll(strings.ReplaceAll(s, "<", "‹"), ">", "›"))
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

// minRetryAfterJitter is the least spread added to a Retry-After hint.
const minRetryAfterJitter = 250 * time.Millisecond

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
		// The pooled transport sets no header timeout: without one, a
		// server that reads the request and never answers holds the call
		// until the caller's deadline, or forever where there is none.
		if t, ok := base.Transport.(*http.Transport); ok {
			t.ResponseHeaderTimeout = orDefault(cfg.ResponseHeaderTimeout, DefaultResponseHeaderTimeout)
		}
	} else {
		copied := *base
		base = &copied
	}
	base.CheckRedirect = followOnlySafeRedirects
	logging := &loggingTransport{next: base.Transport, logger: cfg.Logger, redactor: redactor}
	if logging.next == nil {
		logging.next = http.DefaultTransport
	}
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

// DefaultResponseHeaderTimeout bounds the wait for an answer to start, so
// that a stalled connection cannot hold a call (or every reader of a shared
// list call) for longer, whatever the caller's deadline.
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
