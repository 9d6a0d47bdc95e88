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
