package provider

import (
	"crypto/sha256"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// Environment variables the provider reads when its block (or the function's
// options argument) leaves a value out.
const (
	EnvAPIKey       = "RETIVO_API_KEY"
	EnvBaseURL      = "RETIVO_BASE_URL"
	EnvMaxRetries   = "RETIVO_MAX_RETRIES"
	EnvMaxRetryWait = "RETIVO_MAX_RETRY_WAIT"
	// EnvMaxRequestsPerSecond caps the request rate, as max_requests_per_second.
	EnvMaxRequestsPerSecond = "RETIVO_MAX_REQUESTS_PER_SECOND"
)

// EnvVars are all the environment variables the provider reads.
var EnvVars = []string{EnvAPIKey, EnvBaseURL, EnvMaxRetries, EnvMaxRetryWait, EnvMaxRequestsPerSecond}

// maxMaxRetries bounds max_retries.
const maxMaxRetries = 100

// givenSettings are the settings a caller was given explicitly: the provider
// block, or the function's options argument. nil means not given: the
// environment variable applies, then the default.
type givenSettings struct {
	APIKey               *string
	BaseURL              *string
	MaxRetries           *int64
	MaxRetryWait         *string
	MaxRequestsPerSecond *float64
	// Mode is the only mode of key accepted, retivo.ModeTest or
	// retivo.ModeLive; "" accepts either.
	Mode string
}

// settingsOrigin says, for messages, where a caller's given settings come from.
type settingsOrigin struct {
	// given names a setting given explicitly, such as "the api_key attribute".
	given func(setting string) string
	// howToGiveKey tells how to give the API key when there is none.
	howToGiveKey string
	// place names where settings are given, such as "the provider block".
	place string
	// keySetting, baseURLSetting, retrySettings and rateSetting name where
	// the API key, the base URL, the retry budget and the request rate cap
	// are set, for API error advice.
	keySetting, baseURLSetting, retrySettings, rateSetting string
}

// providerBlock is the origin of the provider block's settings.
var providerBlock = settingsOrigin{
	given: func(setting string) string { return "the " + setting + " attribute" },
	howToGiveKey: "Set the api_key attribute in the provider block or the " + EnvAPIKey +
		" environment variable.",
	place:          "the provider block",
	keySetting:     "the api_key attribute of the provider or the " + EnvAPIKey + " environment variable",
	baseURLSetting: "base_url in the provider block (or the " + EnvBaseURL + " environment variable)",
	retrySettings:  "max_retries / max_retry_wait in the provider block",
	rateSetting:    "max_requests_per_second in the provider block",
}

// settingProblem is one invalid setting: its attribute name, and what to say.
type settingProblem struct {
	Setting string
	Summary string
	Detail  string
}

// resolveSettings is the one settings resolver: each setting comes from what
// the caller was given, then the environment, then the default; every value
// is checked and every problem reported, in a fixed order. It returns the
// client configuration without the parts that depend on the caller
// (UserAgent, Logger: see newClient). No problem ever quotes the API key.
func resolveSettings(given givenSettings, origin settingsOrigin, getenv func(string) string) (retivo.Config, []settingProblem) {
	var cfg retivo.Config
	var problems []settingProblem
	problem := func(setting, summary, detail string) {
		problems = append(problems, settingProblem{Setting: setting, Summary: summary, Detail: detail})
	}
	from := func(setting, env string, isGiven bool) string {
		if isGiven {
			return origin.given(setting)
		}
		return "the " + env + " environment variable"
	}

	if problems = emptyStringsGiven(given, origin, getenv); len(problems) > 0 {
		return cfg, problems
	}

	cfg.APIKey = orEnv(given.APIKey, EnvAPIKey, getenv)
	if cfg.APIKey == "" {
		problem("api_key", "Missing Retivo API key", "The provider needs a Retivo API key. "+origin.howToGiveKey+
			" Keys start with rt_test_ (test mode) or rt_live_ (live mode).")
	} else if err := retivo.CheckAPIKey(cfg.APIKey); err != nil {
		problem("api_key", "Malformed Retivo API key", "The API key from "+from("api_key", EnvAPIKey, given.APIKey != nil)+
			" is not a Retivo API key: "+err.Error()+". Copy the key from the Retivo dashboard; it starts with "+
			"rt_test_ (test mode) or rt_live_ (live mode).")
	} else if keyMode := retivo.KeyMode(cfg.APIKey); given.Mode != "" && keyMode != given.Mode {
		problem("mode", "Retivo API key of the wrong mode", fmt.Sprintf("%s sets mode = %q, but the API key from "+
			"%s is a %s-mode key (%s…), so it is refused before any request. Give this configuration a %s-mode "+
			"key (%s…), or change mode if the configuration is meant for %s mode.", origin.place, given.Mode,
			from("api_key", EnvAPIKey, given.APIKey != nil), keyMode, keyPrefix(keyMode), given.Mode,
			keyPrefix(given.Mode), keyMode))
	}

	cfg.BaseURL = orEnv(given.BaseURL, EnvBaseURL, getenv)
	if base, err := retivo.ParseBaseURL(cfg.BaseURL); err != nil {
		problem("base_url", "Invalid Retivo base URL", "The base URL from "+from("base_url", EnvBaseURL, given.BaseURL != nil)+
			" is not usable: "+err.Error()+".")
	} else {
		cfg.BaseURL = base.String()
	}

	cfg.MaxRetries = retivo.DefaultMaxRetries
	switch raw := getenv(EnvMaxRetries); {
	case given.MaxRetries != nil:
		cfg.MaxRetries = int(*given.MaxRetries)
	case raw != "":
		n, err := strconv.Atoi(raw)
		if err != nil {
			problem("max_retries", "Invalid "+EnvMaxRetries, fmt.Sprintf("%s must be a whole number, got %q.", EnvMaxRetries, raw))
		}
		cfg.MaxRetries = n
	}
	if cfg.MaxRetries < 0 || cfg.MaxRetries > maxMaxRetries {
		problem("max_retries", "Invalid max_retries", fmt.Sprintf("max_retries from %s must be between 0 (no retries) "+
			"and %d, got %d.", from("max_retries", EnvMaxRetries, given.MaxRetries != nil), maxMaxRetries, cfg.MaxRetries))
	}

	cfg.RetryWaitMax = retivo.DefaultRetryWaitMax
	if raw := orEnv(given.MaxRetryWait, EnvMaxRetryWait, getenv); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			problem("max_retry_wait", "Invalid max_retry_wait", fmt.Sprintf("max_retry_wait from %s must be a "+
				"positive duration such as \"30s\" or \"2m\", got %q.", from("max_retry_wait", EnvMaxRetryWait, given.MaxRetryWait != nil), raw))
		}
		cfg.RetryWaitMax = d
	}

	rateGiven := true
	switch raw := getenv(EnvMaxRequestsPerSecond); {
	case given.MaxRequestsPerSecond != nil:
		cfg.MaxRequestsPerSecond = *given.MaxRequestsPerSecond
	case raw != "":
		cfg.MaxRequestsPerSecond, _ = strconv.ParseFloat(raw, 64) // not a number: 0, refused below
	default:
		rateGiven = false
	}
	if rateGiven {
		if r := cfg.MaxRequestsPerSecond; !(r > 0 && r <= maxRequestsPerSecond) {
			problem("max_requests_per_second", "Invalid max_requests_per_second", fmt.Sprintf("max_requests_per_second "+
				"from %s must be a number of requests a second above 0 and at most %d, such as 5 or 0.5.",
				from("max_requests_per_second", EnvMaxRequestsPerSecond, given.MaxRequestsPerSecond != nil), maxRequestsPerSecond))
		}
	}
	return cfg, problems
}

// keyPrefix is the prefix of the API keys of a mode.
func keyPrefix(mode string) string {
	if mode == retivo.ModeLive {
		return retivo.LiveKeyPrefix
	}
	return retivo.TestKeyPrefix
}

// maxRequestsPerSecond bounds max_requests_per_second.
const maxRequestsPerSecond = 1000

// emptyStringsGiven reports the string settings given as "". Like the
// framework providers' convention (HashiCups, the scaffolding and those
// built on them), only a null attribute falls back to its environment
// variable; an empty string is a value, and as a key, a URL or a duration it
// can only be a mistake (often a variable whose default is "" instead of
// null), so say so rather than silently ignore the environment.
func emptyStringsGiven(given givenSettings, origin settingsOrigin, getenv func(string) string) []settingProblem {
	var problems []settingProblem
	for _, s := range []struct {
		name, env string
		value     *string
	}{
		{"api_key", EnvAPIKey, given.APIKey},
		{"base_url", EnvBaseURL, given.BaseURL},
		{"max_retry_wait", EnvMaxRetryWait, given.MaxRetryWait},
	} {
		if s.value == nil || *s.value != "" {
			continue
		}
		envState := "The " + s.env + " environment variable is not set either."
		if getenv(s.env) != "" {
			envState = "The " + s.env + " environment variable is set, but a value given explicitly wins over " +
				"it, even an empty one."
		}
		problems = append(problems, settingProblem{Setting: s.name, Summary: "Empty Retivo provider " + s.name,
			Detail: s.name + " is set to an empty string in " + origin.place + ". " + envState + " Remove " +
				s.name + " (or set it to null, e.g. with a variable whose default is null rather than \"\") to use " +
				s.env + " or the default, or set it to a real value."})
	}
	return problems
}

func orEnv(given *string, env string, getenv func(string) string) string {
	if given != nil {
		return *given
	}
	return getenv(env)
}

// newClient is the one way the provider makes a client: from resolved
// settings, with the caller's user agent and the provider's HTTP log.
func newClient(cfg retivo.Config, userAgent string) (*retivo.Client, error) {
	cfg.UserAgent = userAgent
	cfg.Logger = httpLogger{}
	return retivo.New(cfg)
}

// clientCache reuses one client (and its connections and snapshot) per
// configuration across the many calls Terraform makes to the function.
type clientCache struct {
	mu      sync.Mutex
	clients map[[32]byte]*retivo.Client
}

func (c *clientCache) get(cfg retivo.Config, userAgent string) (*retivo.Client, error) {
	// Keyed by a hash so the map never holds the key as a plain string key.
	k := sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%d\x00%s\x00%g\x00%s", cfg.BaseURL, cfg.APIKey, cfg.MaxRetries,
		cfg.RetryWaitMax, cfg.MaxRequestsPerSecond, userAgent))
	c.mu.Lock()
	defer c.mu.Unlock()
	if client, ok := c.clients[k]; ok {
		return client, nil
	}
	client, err := newClient(cfg, userAgent)
	if err != nil {
		return nil, err
	}
	if c.clients == nil {
		c.clients = map[[32]byte]*retivo.Client{}
	}
	c.clients[k] = client
	return client, nil
}
