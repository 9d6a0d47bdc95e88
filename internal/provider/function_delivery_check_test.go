package provider_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
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
			want: acctest.ErrorPattern("only takes api_key, base_url and timeout, not apikey"),
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
	// Retivo asks for two minutes; RETIVO_MAX_RETRY_WAIT caps the wait at
	// one second, well within the call's 10-second timeout, and a rate
	// limit is waited out even with RETIVO_MAX_RETRIES at 0: the second
	// test call's answer (no such endpoint) decides.
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteTest, Status: 429, RetryAfter: "120", Times: 1})
	acctest.SetProviderEnv(t, map[string]string{provider.EnvAPIKey: acctest.APIKey, provider.EnvBaseURL: env.BaseURL,
		provider.EnvMaxRetries: "0", provider.EnvMaxRetryWait: "1s"})
	acctest.SerialTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: env.Config(`output "result" {
  value = provider::retivo::test_webhook_endpoint("we_x", { timeout = "10s" })
}`),
			ExpectError: acctest.ErrorPattern("Webhook endpoint not found"),
		}},
	})
	if n := env.Server.Count(localserver.RouteTest); n != 2 {
		t.Errorf("%d test calls, want 2 (the rate-limited one, then the one that decides)", n)
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
	out, err := cli.Apply(t)
	if err != nil {
		t.Fatalf("apply failed, but a failing check must only warn: %v\n%s", err, out)
	}
	if !strings.Contains(out, "Warning: Check block assertion failed") || !strings.Contains(out, "does not accept deliveries") {
		t.Errorf("apply did not warn about the failing check:\n%s", out)
	}
	out, changes, err := cli.Plan(t)
	if err != nil || changes {
		t.Fatalf("plan after apply: %v, changes %v\n%s", err, changes, out)
	}
	if !strings.Contains(out, "Warning: Check block assertion failed") {
		t.Errorf("plan did not warn about the failing check:\n%s", out)
	}
	if out, err := cli.Destroy(t); err != nil {
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

// The documented CI gate: a check block that passes the endpoint object.
// Every change to the endpoint (create, a url change either way, a drift
// revert, an events change, a replacement) applies with exit 0; a dead
// receiver is a warning, a fixed one a clean second plan.
func TestAccTestWebhookEndpointFunction_checkGateNeverFailsAnApply(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	const dead = "http://127.0.0.1:1/dead" // port 1 on loopback: nothing listens there
	good := env.ReceiverURL + "/ok"
	config := func(url, events string) string {
		return env.Config(fmt.Sprintf(`
resource "retivo_webhook_endpoint" "orders" {
  url               = %q
  subscribed_events = %s
}

check "receiver" {
  assert {
    condition     = %s.success
    error_message = "The orders receiver does not accept test deliveries."
  }
}
`, url, events, withCredentials(env, "retivo_webhook_endpoint.orders")))
	}
	cli := acctest.NewCLI(t, config(dead, `["order.created"]`))
	warned := func(out string) bool { return strings.Contains(out, "does not accept test deliveries") }
	apply := func(step, url, events string, wantWarning bool, extra ...tfexec.ApplyOption) {
		t.Helper()
		cli.WriteMain(t, config(url, events))
		out, err := cli.Apply(t, extra...)
		if err != nil {
			t.Fatalf("%s: the apply failed (exit non-zero): %v\n%s", step, err, out)
		}
		if warned(out) != wantWarning {
			t.Errorf("%s: check warning %v, want %v:\n%s", step, warned(out), wantWarning, out)
		}
	}
	cleanPlan := func(step string) {
		t.Helper()
		out, changes, err := cli.Plan(t)
		if err != nil || changes || warned(out) {
			t.Errorf("%s: the next plan is not clean (%v, changes %v):\n%s", step, err, changes, out)
		}
	}

	apply("create with a dead receiver", dead, `["order.created"]`, true)
	apply("url fixed", good, `["order.created"]`, false)
	cleanPlan("url fixed")
	apply("url broken", dead, `["order.created"]`, true)
	apply("url fixed again", good, `["order.created"]`, false)
	id := env.Server.Endpoints()[0].ID
	if err := env.Server.ModifyEndpoint(id, func(e *localserver.Endpoint) { e.URL = dead }); err != nil {
		t.Fatal(err)
	}
	apply("drift reverted", good, `["order.created"]`, false)
	apply("events changed", good, `["order.created", "order.paid"]`, false)
	apply("replaced", good, `["order.created", "order.paid"]`, false, tfexec.Replace("retivo_webhook_endpoint.orders"))
	cleanPlan("replaced")
	cli.MustDestroy(t)
}

// A Retivo that accepts the test call and never answers ends the call at its
// timeout, with an error that names the setting.
func TestAccTestWebhookEndpointFunction_stalledServerEndsAtTheTimeout(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	// Held until the client hangs up; five minutes at most, even if the test
	// fails, far beyond what even a slow machine takes for the 2s timeout.
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteTest, Delay: 5 * time.Minute})
	call := fmt.Sprintf(`provider::retivo::test_webhook_endpoint("we_0123", { api_key = %q, base_url = %q, timeout = "2s" })`,
		acctest.APIKey, env.BaseURL)
	cli := acctest.NewCLI(t, env.Config(`output "result" { value = `+call+` }`))
	start := time.Now()
	out, _, err := cli.Plan(t)
	elapsed := time.Since(start)
	if err == nil {
		t.Fatalf("the plan succeeded against a server that never answers:\n%s", out)
	}
	if !acctest.ErrorPattern("Timed out", "timeout of the function's second argument").MatchString(out) {
		t.Errorf("the error does not name the function's timeout:\n%s", out)
	}
	if elapsed > 2*time.Minute {
		t.Errorf("a 2s function timeout took %s", elapsed)
	}
}

// An id of a megabyte is rejected before any request, and the error quotes
// only an excerpt of it.
func TestAccTestWebhookEndpointFunction_oversizedIDRejected(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli := acctest.NewCLI(t, env.Config(`output "result" { value = `+
		withCredentials(env, `format("%01048576d", 0)`)+` }`))
	out, _, err := cli.Plan(t)
	if err == nil {
		t.Fatalf("a 1 MB id was accepted:\n%s", lastLines(out, 10))
	}
	if !acctest.ErrorPattern("Not a Retivo webhook endpoint id", "at most 255").MatchString(out) {
		t.Errorf("the error does not say what is wrong with the id:\n%s", lastLines(out, 20))
	}
	if len(out) > 10_000 {
		t.Errorf("the output is %d bytes: the id is echoed", len(out))
	}
	if n := env.Server.TotalRequests(); n != 0 {
		t.Errorf("%d requests for an invalid id", n)
	}
}

// How many test events each command sends with the documented check
// pattern, when the CLI starts its own provider processes as it does for
// users (a dev_overrides build): calls with the same arguments in one
// process share one delivery, and each command (each walk of one) is a
// process of its own.
func TestAccTestWebhookEndpointFunction_deliveriesPerCommand(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli := acctest.NewDevOverridesCLI(t, env.Config(`
resource "retivo_webhook_endpoint" "orders" {
  url = "`+env.ReceiverURL+`/orders"
}

check "receiver" {
  assert {
    condition     = `+withCredentials(env, "retivo_webhook_endpoint.orders")+`.success
    error_message = "The orders receiver does not accept test deliveries."
  }
}
`))
	got := map[string]int{}
	count := func(command string, run func() (string, error)) {
		t.Helper()
		before := len(env.Receiver.Deliveries())
		if out, err := run(); err != nil {
			t.Fatalf("%s: %v\n%s", command, err, out)
		}
		got[command] = len(env.Receiver.Deliveries()) - before
	}
	count("apply (create)", func() (string, error) { return cli.Apply(t) })
	count("validate", func() (string, error) { return cli.Exec(t, "", "validate", "-no-color") })
	count("plan", func() (string, error) { out, _, err := cli.Plan(t); return out, err })
	count("apply (no changes)", func() (string, error) { return cli.Apply(t) })
	count("console", func() (string, error) { return cli.Exec(t, "1 + 1\n", "console") })
	count("destroy", func() (string, error) { return cli.Destroy(t) })
	t.Logf("test deliveries per command on %s: %v", acctest.TerraformVersion(t), got)

	// An endpoint not yet created is not tested before the apply creates it;
	// after that, at most one delivery per provider process.
	want := map[string]int{"apply (create)": 1, "validate": 0, "plan": 1, "apply (no changes)": 2, "console": 0, "destroy": 1}
	for command, n := range want {
		if got[command] != n {
			t.Errorf("%s sent %d test events, want %d (the docs give these numbers)", command, got[command], n)
		}
	}
}

// The documented way to test a module that uses the gate with mock_provider:
// Terraform calls functions on the real provider even under a mock, so the
// module guards the condition with a variable that the test switches off.
func TestAccTestWebhookEndpointFunction_terraformTestWithMocks(t *testing.T) {
	t.Parallel()
	cli := acctest.NewCLIFiles(t, map[string]string{
		"main.tf": `
variable "test_receiver" {
  type    = bool
  default = true
}

resource "retivo_webhook_endpoint" "orders" {
  url = "https://example.com/orders"
}

check "orders_receiver" {
  assert {
    condition     = var.test_receiver ? provider::retivo::test_webhook_endpoint(retivo_webhook_endpoint.orders).success : true
    error_message = "The orders receiver does not accept test deliveries."
  }
}
`,
		"orders.tftest.hcl": `
mock_provider "retivo" {}

variables {
  test_receiver = false
}

run "creates_the_endpoint" {
  assert {
    condition     = retivo_webhook_endpoint.orders.url == "https://example.com/orders"
    error_message = "wrong url"
  }
}
`,
	})
	out := cli.MustExec(t, "test", "-no-color")
	if !strings.Contains(out, "1 passed, 0 failed") {
		t.Errorf("terraform test:\n%s", out)
	}
}

// The function given a live-mode endpoint and a test-mode key says so and
// sends nothing; given only the id, its "not found" names the key's mode.
func TestAccTestWebhookEndpointFunction_keyOfTheOtherMode(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	call := func(arg string) string {
		return fmt.Sprintf(`provider::retivo::test_webhook_endpoint(%s, { api_key = %q, base_url = %q })`,
			arg, acctest.APIKey, env.BaseURL)
	}
	config := func(arg string) string {
		return env.ProviderBlockWithKey(acctest.LiveAPIKey) + ordersEndpoint + `
output "result" {
  value     = ` + call(arg) + `
  sensitive = true
}
`
	}
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config("retivo_webhook_endpoint.orders"),
				ExpectError: acctest.ErrorPattern("is a live-mode endpoint", "test-mode key (rt_test_…)",
					"pass a live-mode key in the options argument", "Nothing was sent"),
			},
			{
				Config:      config("retivo_webhook_endpoint.orders.id"),
				ExpectError: acctest.ErrorPattern("Webhook endpoint not found", "test-mode key (rt_test_…)", "cannot see live-mode endpoints"),
			},
		},
	})
	if n := env.Server.Count(localserver.RouteTest); n != 1 {
		t.Errorf("the function sent %d test calls, want only the one of the id form", n)
	}
}
