package retivo

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the production API.
const DefaultBaseURL = "https://retivo.ai/api"

// Defaults for the retry budget. The client applies none of them to
// MaxRetries, where 0 means "no retries": callers resolve their own default.
const (
	DefaultMaxRetries   = 5
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
)

// DefaultMaxResponseBytes bounds how much of any answer the client reads.
const DefaultMaxResponseBytes int64 = 16 << 20

// DefaultSnapshotMaxAge bounds how long a list snapshot is served.
const DefaultSnapshotMaxAge = 30 * time.Second

// API key prefixes: production and test mode.
const (
	LiveKeyPrefix = "rt_live_"
	TestKeyPrefix = "rt_test_"
)

// The modes of a key, and so of every endpoint made or seen with it: an
// endpoint made with a key of one mode is invisible to keys of the other.
const (
	ModeTest = "test"
	ModeLive = "live"
)

// KeyMode is the mode of an API key, by its prefix; "" for a key of neither
// (CheckAPIKey refuses those).
func KeyMode(key string) string {
	switch {
	case strings.HasPrefix(key, TestKeyPrefix):
		return ModeTest
	case strings.HasPrefix(key, LiveKeyPrefix):
		return ModeLive
	}
	return ""
}

// Config is everything a Client is made of; the client never changes after
// New returns it.
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
	// MaxRetries is how many times a retryable failure is retried; 0 means
	// none (DefaultMaxRetries is the provider's default). Negative is an error.
	MaxRetries int
	// RetryWaitMin and RetryWaitMax bound the wait between attempts; the upper
	// bound also caps how long a Retry-After hint is honoured. Zero means
	// DefaultRetryWaitMin and DefaultRetryWaitMax.
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// MaxResponseBytes bounds the size of an answer; zero means DefaultMaxResponseBytes.
	MaxResponseBytes int64
	// Logger receives one entry per HTTP attempt, its fields already
	// redacted; nil logs nothing.
	Logger Logger
	// SnapshotMaxAge bounds how long this client serves a list snapshot;
	// zero means DefaultSnapshotMaxAge.
	SnapshotMaxAge time.Duration
	// ResponseHeaderTimeout bounds the wait for an answer to start on the
	// default transport; zero means DefaultResponseHeaderTimeout. Unused
	// with a custom HTTPClient.
	ResponseHeaderTimeout time.Duration
	// MaxRequestsPerSecond caps this client's request rate; zero means no
	// cap. Either way the client slows down when Retivo answers 429 (see
	// pacer).
	MaxRequestsPerSecond float64
	// Clock is the time source; nil means the wall clock.
	Clock Clock
}

// Client calls the Retivo webhooks API. It is safe for concurrent use.
//
// Each client owns its state: the list snapshots it serves, its pacer, and
// the records that judge create answers and name leftovers. Terraform starts
// a provider process per provider configuration, so nothing is shared
// between clients, even of one account.
type Client struct {
	base         *url.URL
	apiKey       string
	userAgent    string
	maxBytes     int64
	http         *http.Client
	maxRetries   int
	retryWaitMin time.Duration
	retryWaitMax time.Duration
	logger       Logger
	clock        Clock
	pacer        *pacer
	redactor     *Redactor
	snapshots    *snapshots
	creates      *createRecords
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
	if cfg.MaxRetries < 0 {
		return nil, fmt.Errorf("MaxRetries is %d; it must be 0 (no retries) or more", cfg.MaxRetries)
	}
	if cfg.MaxRequestsPerSecond < 0 {
		return nil, fmt.Errorf("MaxRequestsPerSecond is %g; it must be 0 (no cap) or more", cfg.MaxRequestsPerSecond)
	}
	clock := cfg.Clock
	if clock == nil {
		clock = realClock{}
	}
	retryWaitMin := positiveOr(cfg.RetryWaitMin, DefaultRetryWaitMin)
	return &Client{
		base:         base,
		apiKey:       cfg.APIKey,
		userAgent:    cfg.UserAgent,
		maxBytes:     positiveOr(cfg.MaxResponseBytes, DefaultMaxResponseBytes),
		http:         newHTTPClient(cfg),
		maxRetries:   cfg.MaxRetries,
		retryWaitMin: retryWaitMin,
		retryWaitMax: max(positiveOr(cfg.RetryWaitMax, DefaultRetryWaitMax), retryWaitMin),
		logger:       cfg.Logger,
		clock:        clock,
		pacer:        newPacer(clock, cfg.MaxRequestsPerSecond),
		redactor:     NewRedactor(cfg.APIKey),
		snapshots:    newSnapshots(positiveOr(cfg.SnapshotMaxAge, DefaultSnapshotMaxAge), clock.Now),
		creates:      newCreateRecords(),
	}, nil
}

// MaskSecret makes the client mask secret in every text it returns and logs
// from now on: a webhook secret it did not see created (read from state, say)
// must not show in an error that quotes it.
func (c *Client) MaskSecret(secret string) { c.redactor.Add(secret) }

// Mode is the mode of the client's key, ModeTest or ModeLive: the mode of
// every endpoint it returns (Endpoint.Mode).
func (c *Client) Mode() string { return KeyMode(c.apiKey) }

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
			"give the API key as api_key or RETIVO_API_KEY instead", quoteURL(raw), DefaultBaseURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// quoteURL quotes a URL for a message, leaving out the parts that may carry
// credentials: user information, the query and the fragment.
func quoteURL(raw string) string {
	raw = MaskKeyLike(raw) // an API key given as the URL, or inside its path
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

// positiveOr is v, or fallback when v is zero or negative.
func positiveOr[T int64 | time.Duration](v, fallback T) T {
	if v <= 0 {
		return fallback
	}
	return v
}
