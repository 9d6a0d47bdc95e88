package retivo

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/go-retryablehttp"
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
}

// Client calls the Retivo webhooks API. It is safe for concurrent use.
//
// Each client owns its state: the list snapshot it serves and the records
// that tell its own orphans from everyone else's endpoints. Terraform starts
// a provider process per provider configuration, so nothing is shared
// between clients, even of one account.
type Client struct {
	base      *url.URL
	apiKey    string
	userAgent string
	maxBytes  int64
	http      *retryablehttp.Client
	redactor  *Redactor
	snapshots *snapshots
	creates   *createRecords
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
	redactor := NewRedactor(cfg.APIKey)
	return &Client{
		base:      base,
		apiKey:    cfg.APIKey,
		userAgent: cfg.UserAgent,
		maxBytes:  positiveOr(cfg.MaxResponseBytes, DefaultMaxResponseBytes),
		http:      newRetryingClient(cfg, redactor),
		redactor:  redactor,
		snapshots: newSnapshots(positiveOr(cfg.SnapshotMaxAge, DefaultSnapshotMaxAge)),
		creates:   newCreateRecords(),
	}, nil
}

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

// positiveOr is v, or fallback when v is zero or negative.
func positiveOr[T int64 | time.Duration](v, fallback T) T {
	if v <= 0 {
		return fallback
	}
	return v
}
