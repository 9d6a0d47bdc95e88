package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

func ptr[T any](v T) *T { return &v }

// The one resolver, without touching the process environment: given values
// win, then the environment, then the defaults; 0 retries means none.
func TestResolveSettings(t *testing.T) {
	t.Parallel()
	const key = "rt_test_resolver_key"
	tests := map[string]struct {
		given       givenSettings
		env         map[string]string
		wantRetries int
		wantWait    time.Duration
		wantBase    string
	}{
		"defaults": {
			given:       givenSettings{APIKey: ptr(key)},
			wantRetries: retivo.DefaultMaxRetries, wantWait: retivo.DefaultRetryWaitMax, wantBase: retivo.DefaultBaseURL,
		},
		"zero retries in the block": {
			given:       givenSettings{APIKey: ptr(key), MaxRetries: ptr[int64](0)},
			env:         map[string]string{EnvMaxRetries: "7"},
			wantRetries: 0, wantWait: retivo.DefaultRetryWaitMax, wantBase: retivo.DefaultBaseURL,
		},
		"everything from the environment": {
			env: map[string]string{EnvAPIKey: key, EnvBaseURL: "http://127.0.0.1:9/api/", EnvMaxRetries: "0",
				EnvMaxRetryWait: "2s"},
			wantRetries: 0, wantWait: 2 * time.Second, wantBase: "http://127.0.0.1:9/api",
		},
		"the block wins": {
			given: givenSettings{APIKey: ptr(key), BaseURL: ptr("https://example.com/api"), MaxRetries: ptr[int64](3),
				MaxRetryWait: ptr("1s")},
			env: map[string]string{EnvAPIKey: "garbage", EnvBaseURL: "not a url", EnvMaxRetries: "many",
				EnvMaxRetryWait: "soon"},
			wantRetries: 3, wantWait: time.Second, wantBase: "https://example.com/api",
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cfg, problems := resolveSettings(tc.given, providerBlock, func(k string) string { return tc.env[k] })
			if len(problems) != 0 {
				t.Fatalf("problems: %+v", problems)
			}
			if cfg.APIKey != key || cfg.BaseURL != tc.wantBase || cfg.MaxRetries != tc.wantRetries || cfg.RetryWaitMax != tc.wantWait {
				t.Errorf("got base %q, retries %d, wait %s; want %q, %d, %s",
					cfg.BaseURL, cfg.MaxRetries, cfg.RetryWaitMax, tc.wantBase, tc.wantRetries, tc.wantWait)
			}
		})
	}
}

// Every problem is reported, in a fixed order, naming where the value came
// from for the caller at hand.
func TestResolveSettings_problems(t *testing.T) {
	t.Parallel()
	env := map[string]string{EnvMaxRetries: "-1", EnvBaseURL: "ftp://x", EnvMaxRetryWait: "0s"}
	for range 5 { // the same order every time
		_, problems := resolveSettings(givenSettings{APIKey: ptr("sk_live_secret_value")}, functionArgument,
			func(k string) string { return env[k] })
		var settings []string
		for _, p := range problems {
			settings = append(settings, p.Setting)
			if strings.Contains(p.Detail, "sk_live_secret_value") {
				t.Errorf("a problem quotes the key: %s", p.Detail)
			}
		}
		if got := strings.Join(settings, ","); got != "api_key,base_url,max_retries,max_retry_wait" {
			t.Fatalf("problems for %s", got)
		}
		if d := problems[0].Detail; !strings.Contains(d, "function's second argument") {
			t.Errorf("the key's problem does not say where the key came from: %s", d)
		}
		if d := problems[1].Detail; !strings.Contains(d, EnvBaseURL) {
			t.Errorf("the base URL's problem does not name %s: %s", EnvBaseURL, d)
		}
	}
}

// max_requests_per_second: the block wins over the environment; absent
// means no cap; zero, negative, too large or not a number is a problem
// naming where it came from.
func TestResolveSettings_maxRequestsPerSecond(t *testing.T) {
	t.Parallel()
	const key = "rt_test_resolver_key"
	tests := map[string]struct {
		given   *float64
		env     string
		want    float64
		problem string
	}{
		"absent":              {want: 0},
		"in the block":        {given: ptr(2.5), env: "9", want: 2.5},
		"in the environment":  {env: "0.5", want: 0.5},
		"zero":                {given: ptr(0.0), problem: "max_requests_per_second attribute"},
		"negative":            {env: "-3", problem: EnvMaxRequestsPerSecond},
		"not a number":        {env: "fast", problem: EnvMaxRequestsPerSecond},
		"more than the bound": {given: ptr(5000.0), problem: "at most 1000"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{EnvMaxRequestsPerSecond: tc.env}
			cfg, problems := resolveSettings(givenSettings{APIKey: ptr(key), MaxRequestsPerSecond: tc.given},
				providerBlock, func(k string) string { return env[k] })
			switch {
			case tc.problem == "" && len(problems) != 0:
				t.Fatalf("problems: %+v", problems)
			case tc.problem == "" && cfg.MaxRequestsPerSecond != tc.want:
				t.Errorf("rate %g, want %g", cfg.MaxRequestsPerSecond, tc.want)
			case tc.problem != "" && (len(problems) != 1 || !strings.Contains(problems[0].Detail, tc.problem)):
				t.Errorf("problems %+v, want one naming %q", problems, tc.problem)
			}
		})
	}
}
