package provider_test

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// gateConfig is the docs' example of the gate with the endpoint's url at
// path on the test's receiver, and the environment's provider block: the
// base URL is only there (the tests unset RETIVO_BASE_URL).
func gateConfig(t *testing.T, env *acctest.Env, path string) string {
	t.Helper()
	example, err := os.ReadFile("../../examples/data-sources/retivo_webhook_endpoint_test/data-source.tf")
	if err != nil {
		t.Fatal(err)
	}
	return env.Config(strings.Replace(string(example), "https://hooks.example.com/retivo", env.ReceiverURL+path, 1))
}

// documentedTestEvents reads the table "Test events per command" of the
// data source's page: test events by command.
func documentedTestEvents(t *testing.T) map[string]int64 {
	t.Helper()
	page, err := os.ReadFile("../../templates/data-sources/webhook_endpoint_test.md.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	table := map[string]int64{}
	for _, row := range regexp.MustCompile("(?m)^\\| `terraform ([^|]+?)` ?([^|]*)\\| (\\d+) \\|$").FindAllStringSubmatch(string(page), -1) {
		n, _ := strconv.ParseInt(row[3], 10, 64)
		table[strings.TrimSpace(row[1]+row[2])] = n
	}
	return table
}

const (
	gateWarning = "Check block assertion failed"
	gateAddress = "data.retivo_webhook_endpoint_test.orders"
)

// The gate as the docs show it, with base_url only in the provider block:
// it passes for a live receiver, warns and exits 0 for a dead one and when
// Retivo's test call itself answers 500, and sends the test events the
// data source's page documents for each command.
func TestAccWebhookEndpointTestDataSource_gate(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.SetProviderEnv(t, nil) // no RETIVO_BASE_URL: the provider block's base_url is the only one
	documented := documentedTestEvents(t)
	if len(documented) != 6 {
		t.Fatalf("the page's table has %d rows, want 6: %v", len(documented), documented)
	}
	cli := acctest.NewCLI(t, gateConfig(t, env, "/ok"))
	counted := int64(0)
	run := func(row string, command func() (string, error), wantWarning string) {
		t.Helper()
		out, err := command()
		if err != nil {
			t.Fatalf("%s: %v\n%s", row, err, out)
		}
		sent := env.Server.Count(localserver.RouteTest) - counted
		counted += sent
		if want, ok := documented[row]; !ok || sent != want {
			t.Errorf("%s sent %d test events; the page says %d (row found: %v)", row, sent, want, ok)
		}
		if wantWarning == "" && (strings.Contains(out, gateWarning) || strings.Contains(out, "Warning: Retivo")) {
			t.Errorf("%s warns with a live receiver:\n%s", row, out)
		}
		if wantWarning != "" && !acctest.ErrorPattern(wantWarning).MatchString(out) {
			t.Errorf("%s does not warn %q:\n%s", row, wantWarning, out)
		}
	}
	plan := func() (string, error) { out, _, err := cli.Plan(t); return out, err }
	apply := func() (string, error) { return cli.Apply(t) }

	run("validate", func() (string, error) { return cli.Exec(t, "", "validate", "-no-color") }, "")
	run("plan, the endpoint created or changed by it", plan, "")
	run("apply, creating or changing the endpoint", apply, "")
	run("plan, no change to the endpoint", plan, "")
	run("apply, no change to the endpoint", apply, "")
	if n := len(env.Receiver.Deliveries()); int64(n) != counted {
		t.Errorf("the receiver got %d deliveries for %d test events", n, counted)
	}

	cli.WriteMain(t, gateConfig(t, env, "/broken?status=500"))
	run("plan, the endpoint created or changed by it", plan, "")
	run("apply, creating or changing the endpoint", apply, gateWarning)
	run("plan, no change to the endpoint", plan, gateWarning)

	env.Server.AddFault(localserver.Fault{Route: localserver.RouteTest, Status: 500})
	run("plan, no change to the endpoint", plan, "Retivo server error")
	run("apply, no change to the endpoint", apply, "Retivo server error")
	env.Server.ClearFaults()
	run("destroy", func() (string, error) { return cli.Destroy(t) }, "")
	if err := env.CheckDestroyed(nil); err != nil {
		t.Error(err)
	}
}

// enabled = false sends nothing, and the gate's check passes unchanged,
// for a receiver that would fail it.
func TestAccWebhookEndpointTestDataSource_disabled(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	config := strings.Replace(gateConfig(t, env, "/broken?status=500"), "endpoint_id = retivo_webhook_endpoint.orders.id",
		"endpoint_id = retivo_webhook_endpoint.orders.id\n    enabled     = false", 1)
	cli := acctest.NewCLI(t, config)
	for _, out := range []string{cli.MustApply(t), cli.MustPlan(t), cli.MustApply(t)} {
		if strings.Contains(out, gateWarning) {
			t.Errorf("a disabled gate warns:\n%s", out)
		}
	}
	cli.MustDestroy(t)
	if n := env.Server.Count(localserver.RouteTest); n != 0 {
		t.Errorf("a disabled gate sent %d test events", n)
	}
}

// The gate on an aliased live-mode provider tests the live-mode endpoint
// with the alias's key. Terraform runs a provider process per provider block
// only for an installed provider, hence dev_overrides.
func TestAccWebhookEndpointTestDataSource_liveAlias(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	config := env.ProviderBlock() + env.ProviderBlockWithKey(acctest.LiveAPIKey, `  alias = "live"`) + fmt.Sprintf(`
resource "retivo_webhook_endpoint" "live" {
  provider = retivo.live
  url      = "%s/live"
}

check "live_endpoint_delivers" {
  data "retivo_webhook_endpoint_test" "live" {
    provider    = retivo.live
    endpoint_id = retivo_webhook_endpoint.live.id
  }

  assert {
    condition     = data.retivo_webhook_endpoint_test.live.success
    error_message = "failed: ${data.retivo_webhook_endpoint_test.live.error}"
  }
}
`, env.ReceiverURL)
	cli := acctest.NewDevOverridesCLI(t, config)
	if out := cli.MustApply(t); strings.Contains(out, gateWarning) {
		t.Errorf("the gate on the live alias warns:\n%s", out)
	}
	deliveries := env.Receiver.Deliveries()
	stored := env.Server.Endpoints()
	if len(deliveries) != 1 || len(stored) != 1 || !stored[0].Live || deliveries[0].Path != "/live" ||
		!localserver.VerifySignature(stored[0].Secret, deliveries[0].Header.Get(localserver.SignatureHeader), deliveries[0].Body) {
		t.Errorf("want one delivery signed by the live-mode endpoint at /live; got %d deliveries, %d endpoints", len(deliveries), len(stored))
	}
	cli.MustDestroy(t)
}

// The docs' CI recipe (examples/ci/plan-gate.sh) on the real CLI: it fails
// the pipeline for a dead receiver, and passes for a live one.
func TestAccWebhookEndpointTestDataSource_ciRecipe(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.SetProviderEnv(t, nil)
	cli := acctest.NewCLI(t, gateConfig(t, env, "/broken?status=500"))
	cli.MustApply(t)
	const recipe = "../../examples/ci/plan-gate.sh"
	out, err := cli.Script(t, recipe)
	if err == nil || !strings.Contains(out, "Failed checks: check.orders_endpoint_delivers") {
		t.Errorf("the recipe passed a dead receiver (%v):\n%s", err, out)
	}
	cli.WriteMain(t, gateConfig(t, env, "/ok"))
	cli.MustApply(t)
	if out, err := cli.Script(t, recipe); err != nil {
		t.Errorf("the recipe failed a live receiver: %v\n%s", err, out)
	}
	// The plan and its JSON hold the state's secrets: the recipe leaves
	// no file behind for a CI job to archive.
	entries, err := os.ReadDir(cli.Dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if name := e.Name(); strings.Contains(name, "plan") {
			t.Errorf("the recipe left %s in the working directory", name)
		}
	}
	cli.MustDestroy(t)
}

// The page's advice for terraform test: under mock_provider the gate is not
// read and its success is mocked false, and terraform test fails a run whose
// check fails; override_data gives the gate the result the test wants.
func TestAccWebhookEndpointTestDataSource_terraformTestWithMocks(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	for name, tc := range map[string]struct {
		override string
		passes   bool
	}{
		"mocked":     {"", false},
		"overridden": {"override_data {\n  target = data.retivo_webhook_endpoint_test.orders\n  values = { success = true }\n}\n", true},
	} {
		t.Run(name, func(t *testing.T) {
			cli := acctest.NewCLIFiles(t, map[string]string{
				"main.tf": strings.TrimPrefix(gateConfig(t, env, "/ok"), env.ProviderBlock()),
				"orders.tftest.hcl": "mock_provider \"retivo\" {}\n\n" + tc.override + `
run "creates_the_endpoint" {
  assert {
    condition     = retivo_webhook_endpoint.orders.url != ""
    error_message = "no url"
  }
}
`,
			})
			out, err := cli.Exec(t, "", "test", "-no-color")
			passed := err == nil && strings.Contains(out, "1 passed, 0 failed")
			if passed != tc.passes || !tc.passes && !strings.Contains(out, gateWarning) {
				t.Errorf("terraform test passed: %v, want %v:\n%s", passed, tc.passes, out)
			}
		})
	}
	if n := env.Server.TotalRequests(); n != 0 {
		t.Errorf("terraform test with mock_provider sent %d requests", n)
	}
}
