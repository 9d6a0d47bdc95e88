package provider

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// TestResultCache_sendsOncePerKey calls the function's result cache from
// many goroutines at once, round after round: each key must cause exactly
// one test call however the calls interleave (a call that missed the cache
// just before another's flight ended once sent a second test event).
func TestResultCache_sendsOncePerKey(t *testing.T) {
	const rounds, callers = 300, 8
	for round := range rounds {
		var cache resultCache
		var sends atomic.Int32
		send := func() (*retivo.TestResult, error) { //nolint:unparam // the signature resultCache.do takes
			sends.Add(1)
			return &retivo.TestResult{}, nil
		}
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				if _, err := cache.do([32]byte{1}, send); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := sends.Load(); n != 1 {
			t.Fatalf("round %d: %d test calls for one key, want 1", round, n)
		}
	}
}

// A call that took its base URL from the default (no RETIVO_BASE_URL, no
// options.base_url) and failed says that functions cannot see the provider
// block's base_url, and what to use instead; one given a base URL does not.
func TestFunctionCallError_namesTheDefaultBaseURL(t *testing.T) {
	env := map[string]string{EnvAPIKey: "rt_test_0123456789abcdef"}
	unreachable := &retivo.Error{Method: "POST", Path: "/webhooks/endpoints/we_x/test", Err: errors.New("connection refused")}
	for name, tc := range map[string]struct {
		env  map[string]string
		want bool
	}{
		"default":              {env, true},
		"from the environment": {map[string]string{EnvAPIKey: env[EnvAPIKey], EnvBaseURL: "http://127.0.0.1:1/api"}, false},
	} {
		call, funcErr := functionSettings(nil, func(name string) string { return tc.env[name] })
		if funcErr != nil {
			t.Fatalf("%s: %v", name, funcErr)
		}
		message := functionCallError(call, testTarget{id: "we_x"}, retivo.ModeTest, unreachable)
		says := strings.Contains(message, "default base URL, "+retivo.DefaultBaseURL) &&
			strings.Contains(message, "cannot see the provider block") && strings.Contains(message, "retivo_webhook_endpoint_test data source")
		if says != tc.want {
			t.Errorf("%s: the message names the default base URL: %v, want %v:\n%s", name, says, tc.want, message)
		}
	}
}
