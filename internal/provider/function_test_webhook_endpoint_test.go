package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
)

// functionEnv is a test environment whose credentials reach the function
// through the environment, as they would in CI.
func functionEnv(t *testing.T) *acctest.Env {
	env := acctest.NewEnv(t, localserver.Options{})
	t.Setenv(provider.EnvAPIKey, acctest.APIKey)
	t.Setenv(provider.EnvBaseURL, env.BaseURL)
	return env
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

func TestAccTestWebhookEndpointFunction_delivered(t *testing.T) {
	env := functionEnv(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: functionConfig(env, env.ReceiverURL+"/orders",
					`provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.test.id)`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("result", testResult(true, 200, "OK", "")),
				},
				Check: env.CheckStored(endpointAddress, func(stored localserver.Endpoint, _ map[string]string) error {
					deliveries := env.Receiver.Deliveries()
					if len(deliveries) == 0 {
						return fmt.Errorf("the receiver got no delivery")
					}
					for _, d := range deliveries {
						if d.Path != "/orders" {
							return fmt.Errorf("delivered to %s", d.Path)
						}
						if !localserver.VerifySignature(stored.Secret, d.Header.Get(localserver.SignatureHeader), d.Body) {
							return fmt.Errorf("delivery signature does not verify with the endpoint's secret")
						}
						if !strings.Contains(string(d.Body), stored.ID) {
							return fmt.Errorf("the test event does not name the endpoint: %s", d.Body)
						}
					}
					return nil
				}),
			},
		},
	})
}

func TestAccTestWebhookEndpointFunction_receiverError(t *testing.T) {
	env := functionEnv(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: functionConfig(env, env.ReceiverURL+"/broken?status=500",
					`provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.test.id)`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("result", testResult(false, 500, "Internal Server Error", "the endpoint answered HTTP 500")),
				},
			},
		},
	})
}

func TestAccTestWebhookEndpointFunction_unreachable(t *testing.T) {
	env := functionEnv(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				// Port 1 on loopback: nothing listens there.
				Config: functionConfig(env, "http://127.0.0.1:1/hook",
					`provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.test.id)`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("result", testResult(false, 0, "", "connection refused")),
				},
			},
		},
	})
}

func TestAccTestWebhookEndpointFunction_unknownID(t *testing.T) {
	env := functionEnv(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
output "result" {
  value = provider::retivo::test_webhook_endpoint("we_unknown")
}
`),
				ExpectError: acctest.ErrorPattern("Webhook endpoint not found", "404", `"we_unknown" not found`),
			},
		},
	})
}

func TestAccTestWebhookEndpointFunction_credentialsFromArgument(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{}) // no RETIVO_* variables
	call := fmt.Sprintf(`provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.test.id, { api_key = %q, base_url = %q })`,
		acctest.APIKey, env.BaseURL)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: functionConfig(env, env.ReceiverURL+"/arg", call),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("result", testResult(true, 200, "OK", "")),
				},
			},
		},
	})
}

func TestAccTestWebhookEndpointFunction_badCredentials(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	tests := map[string]struct {
		setup func(t *testing.T)
		call  string
		want  *regexp.Regexp
	}{
		"missing key": {
			call: `provider::retivo::test_webhook_endpoint("we_x")`,
			want: acctest.ErrorPattern("No Retivo API key", "RETIVO_API_KEY", "api_key"),
		},
		"malformed key": {
			call: `provider::retivo::test_webhook_endpoint("we_x", { api_key = "sk_live_abcdef" })`,
			want: acctest.ErrorPattern("Malformed Retivo API key", "rt_test_"),
		},
		"unknown option": {
			call: `provider::retivo::test_webhook_endpoint("we_x", { apikey = "rt_test_abcdef" })`,
			want: acctest.ErrorPattern("only takes api_key and base_url, not apikey"),
		},
		"rejected key": {
			setup: func(t *testing.T) {
				t.Setenv(provider.EnvAPIKey, "rt_live_revoked_key")
				t.Setenv(provider.EnvBaseURL, env.BaseURL)
			},
			call: `provider::retivo::test_webhook_endpoint("we_x")`,
			want: acctest.ErrorPattern("Retivo rejected the API key", "401"),
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup(t)
			}
			acctest.Test(t, resource.TestCase{
				Steps: []resource.TestStep{{
					Config:      env.Config(`output "result" { value = ` + tc.call + ` }`),
					ExpectError: tc.want,
				}},
			})
			if strings.Contains(name, "key") {
				for _, e := range env.Server.Endpoints() {
					t.Fatalf("unexpected endpoint %s", e.ID)
				}
			}
		})
	}
}

// A check block that asserts on the function warns when the delivery fails,
// and the run still succeeds.
func TestAccTestWebhookEndpointFunction_checkBlockWarns(t *testing.T) {
	env := functionEnv(t)
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

// While the endpoint is not created yet its id is unknown, and the function
// makes no request during plan.
func TestAccTestWebhookEndpointFunction_noCallWhileIDUnknown(t *testing.T) {
	env := functionEnv(t)
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: functionConfig(env, env.ReceiverURL+"/later",
					`provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.test.id)`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				Check: func(*terraform.State) error {
					if n := env.Server.Count(localserver.RouteTest); n != 0 {
						return fmt.Errorf("%d test calls during plan", n)
					}
					return nil
				},
			},
		},
	})
	if n := env.Server.Count(localserver.RouteTest); n != 0 {
		t.Errorf("%d test calls while the id was unknown", n)
	}
}
