package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
)

// credentialsFromEnv gives the function its credentials through the
// environment, as CI would: the test must be serial (acctest.SerialTest).
func credentialsFromEnv(t *testing.T, env *acctest.Env) {
	acctest.SetProviderEnv(t, map[string]string{provider.EnvAPIKey: acctest.APIKey, provider.EnvBaseURL: env.BaseURL})
}

// withCredentials is a call of the function with its credentials in the
// options argument, which needs no environment: such tests run in parallel.
func withCredentials(env *acctest.Env, id string) string {
	return fmt.Sprintf(`provider::retivo::test_webhook_endpoint(%s, { api_key = %q, base_url = %q })`,
		id, acctest.APIKey, env.BaseURL)
}

func testResult(success bool, status int64, statusText, errorText string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"success":     knownvalue.Bool(success),
		"status":      knownvalue.Int64Exact(status),
		"status_text": knownvalue.StringExact(statusText),
		"error":       knownvalue.StringExact(errorText),
	})
}

func functionConfig(env *acctest.Env, url, call string) string {
	return env.Config(fmt.Sprintf(`
resource "retivo_webhook_endpoint" "test" {
  url = %q
}

output "result" {
  value = %s
}
`, url, call))
}

// What the function returns for each kind of receiver, and what the receiver
// got: one signed test event naming the endpoint, at the endpoint's URL.
func TestAccTestWebhookEndpointFunction_deliveries(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		path string // on the receiver; "" for a URL where nothing listens
		want knownvalue.Check
	}{
		"delivered":      {path: "/orders", want: testResult(true, 200, "OK", "")},
		"receiver error": {path: "/broken?status=500", want: testResult(false, 500, "Internal Server Error", "the endpoint answered HTTP 500")},
		"unreachable":    {want: testResult(false, 0, "", "connection refused")},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewEnv(t, localserver.Options{})
			url := "http://127.0.0.1:1/hook" // port 1 on loopback: nothing listens there
			if tc.path != "" {
				url = env.ReceiverURL + tc.path
			}
			acctest.ParallelTest(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config: functionConfig(env, url, withCredentials(env, "retivo_webhook_endpoint.test.id")),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownOutputValue("result", tc.want),
					},
				}},
			})
			checkDeliveries(t, env, tc.path)
		})
	}
}

// checkDeliveries asserts that the function called the server and that
// every test event the receiver got went to path ("" for none).
func checkDeliveries(t *testing.T, env *acctest.Env, path string) {
	t.Helper()
	if n := env.Server.Count(localserver.RouteTest); n == 0 {
		t.Fatal("the function made no test call")
	}
	deliveries := env.Receiver.Deliveries()
	wantPath, _, _ := strings.Cut(path, "?")
	if path != "" && len(deliveries) == 0 {
		t.Fatal("the receiver got no delivery")
	}
	for _, d := range deliveries {
		if d.Path != wantPath {
			t.Errorf("delivered to %q, want %q", d.Path, wantPath)
		}
	}
}

// The signature verifies with the secret in state: checked while the
// endpoint exists.
func TestAccTestWebhookEndpointFunction_signedWithTheSecret(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: functionConfig(env, env.ReceiverURL+"/orders", withCredentials(env, "retivo_webhook_endpoint.test.id")),
			Check: env.CheckStored(endpointAddress, func(stored localserver.Endpoint, _ map[string]string) error {
				deliveries := env.Receiver.Deliveries()
				if len(deliveries) == 0 {
					return fmt.Errorf("the receiver got no delivery")
				}
				for _, d := range deliveries {
					if !localserver.VerifySignature(stored.Secret, d.Header.Get(localserver.SignatureHeader), d.Body) {
						return fmt.Errorf("delivery signature does not verify with the endpoint's secret")
					}
					if !strings.Contains(string(d.Body), stored.ID) {
						return fmt.Errorf("the test event does not name the endpoint: %s", d.Body)
					}
				}
				return nil
			}),
		}},
	})
}

// Credentials from RETIVO_API_KEY and RETIVO_BASE_URL; an unknown id is an
// error that says so.
func TestAccTestWebhookEndpointFunction_unknownIDWithEnvCredentials(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	credentialsFromEnv(t, env)
	acctest.SerialTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      env.Config(`output "result" { value = provider::retivo::test_webhook_endpoint("we_unknown") }`),
			ExpectError: acctest.ErrorPattern("Webhook endpoint not found", "404", `"we_unknown" not found`),
		}},
	})
	if n := env.Server.Count(localserver.RouteTest); n == 0 {
		t.Error("the function did not call the server with the environment's credentials")
	}
}

// Bad credentials are refused before any request leaves the machine; a key
// the server rejects is refused by the server.
func TestAccTestWebhookEndpointFunction_badCredentials(t *testing.T) {
	tests := map[string]struct {
		env          map[string]string // RETIVO_* variables; the base URL is added
		call         string
		want         *regexp.Regexp
		wantRequests bool
	}{
		"missing key": {
			call: `provider::retivo::test_webhook_endpoint("we_x")`,
			want: acctest.ErrorPattern("Missing Retivo API key", "RETIVO_API_KEY", "api_key"),
		},
		"malformed key": {
			call: `provider::retivo::test_webhook_endpoint("we_x", { api_key = "sk_live_abcdef" })`,
			want: acctest.ErrorPattern("Malformed Retivo API key", "second argument", "rt_test_"),
		},
		"unknown option": {
			call: `provider::retivo::test_webhook_endpoint("we_x", { apikey = "rt_test_abcdef" })`,
			want: acctest.ErrorPattern("only takes api_key and base_url, not apikey"),
		},
		"bad retry setting": {
			env:  map[string]string{provider.EnvAPIKey: acctest.APIKey, provider.EnvMaxRetries: "many"},
			call: `provider::retivo::test_webhook_endpoint("we_x")`,
			want: acctest.ErrorPattern("Invalid RETIVO_MAX_RETRIES", "whole number"),
		},
		"rejected key": {
			env:          map[string]string{provider.EnvAPIKey: "rt_live_revoked_key"},
			call:         `provider::retivo::test_webhook_endpoint("we_x")`,
			want:         acctest.ErrorPattern("Retivo rejected the API key", "401", "RETIVO_API_KEY"),
			wantRequests: true,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewEnv(t, localserver.Options{})
			vars := map[string]string{provider.EnvBaseURL: env.BaseURL}
			for k, v := range tc.env {
				vars[k] = v
			}
			acctest.SetProviderEnv(t, vars)
			acctest.SerialTest(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:      env.Config(`output "result" { value = ` + tc.call + ` }`),
					ExpectError: tc.want,
				}},
			})
			if got := env.Server.TotalRequests() > 0; got != tc.wantRequests {
				t.Errorf("requests to the server: %v, want %v", got, tc.wantRequests)
			}
		})
	}
}

// RETIVO_MAX_RETRIES reaches the function: with 0, one 429 ends the call
// (with retries, the second attempt would get the 404 of the unknown id).
func TestAccTestWebhookEndpointFunction_retrySettingsFromEnv(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteTest, Status: 429, RetryAfter: "0", Times: 1})
	acctest.SetProviderEnv(t, map[string]string{provider.EnvAPIKey: acctest.APIKey, provider.EnvBaseURL: env.BaseURL,
		provider.EnvMaxRetries: "0"})
	acctest.SerialTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:      env.Config(`output "result" { value = provider::retivo::test_webhook_endpoint("we_x") }`),
			ExpectError: acctest.ErrorPattern("Retivo rate limit", "RETIVO_MAX_RETRIES"),
		}},
	})
	if n := env.Server.Count(localserver.RouteTest); n != 1 {
		t.Errorf("%d test calls, want 1", n)
	}
}

// A check block that asserts on the function warns when the delivery fails,
// and the run still succeeds.
func TestAccTestWebhookEndpointFunction_checkBlockWarns(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	credentialsFromEnv(t, env)
	cli := acctest.NewCLI(t, env.Config(`
resource "retivo_webhook_endpoint" "broken" {
  url = "`+env.ReceiverURL+`/down?status=503"
}

check "webhook_delivers" {
  assert {
    condition     = provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.broken.id).success
    error_message = "The webhook endpoint does not accept deliveries."
  }
}
`))
	out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false")
	if err != nil {
		t.Fatalf("apply failed, but a failing check must only warn: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Warning: Check block assertion failed") || !strings.Contains(out, "does not accept deliveries") {
		t.Errorf("apply did not warn about the failing check:\n%s", out)
	}
	out, err = cli.Run("plan", "-no-color", "-input=false", "-detailed-exitcode")
	if err != nil {
		t.Fatalf("plan after apply: %v (exit 2 means changes)\n%s", err, out)
	}
	if !strings.Contains(out, "Warning: Check block assertion failed") {
		t.Errorf("plan did not warn about the failing check:\n%s", out)
	}
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

// While the endpoint is not created yet its id is unknown: the function's
// result is unknown in the plan, and it makes no request.
func TestAccTestWebhookEndpointFunction_noCallWhileIDUnknown(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config:             functionConfig(env, env.ReceiverURL+"/later", withCredentials(env, "retivo_webhook_endpoint.test.id")),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPreRefresh: []plancheck.PlanCheck{
				plancheck.ExpectUnknownOutputValue("result"),
			}},
		}},
	})
	if n := env.Server.Count(localserver.RouteTest); n != 0 {
		t.Errorf("%d test calls while the id was unknown", n)
	}
}
