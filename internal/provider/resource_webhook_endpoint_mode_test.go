package provider_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

const ordersEndpoint = `
resource "retivo_webhook_endpoint" "orders" {
  url               = "https://example.com/orders"
  subscribed_events = ["order.created"]
}
`

// A state made with a test-mode key, then plans, an apply and a destroy with
// a live-mode key (a CI variable mixed up): each stops with an error that
// names both modes and the ways out, before any request, and the state is
// as it was; back on the test-mode key, the plan is empty.
func TestAccWebhookEndpoint_keyOfTheOtherModeNeverSplitsTheState(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	withKey := func(key string) string { return env.ProviderBlockWithKey(key) + ordersEndpoint }
	cli := acctest.NewCLI(t, withKey(acctest.APIKey))
	cli.MustApply(t)
	before := cli.MustShow(t)
	if mode := before.Values.RootModule.Resources[0].AttributeValues["mode"]; mode != "test" {
		t.Fatalf("mode after a create with a test-mode key = %v, want test", mode)
	}

	cli.WriteMain(t, withKey(acctest.LiveAPIKey))
	env.Server.ResetStats()
	wantError := acctest.ErrorPattern("Webhook endpoint of the other mode than the API key", "made in test mode",
		"live-mode key (rt_live_…)", "Nothing has been sent to Retivo", "switch back to a test-mode key (rt_test_…)",
		"removed block", "terraform state rm")
	for name, command := range map[string]func() (string, error){
		"plan":                func() (string, error) { out, _, err := cli.Plan(t); return out, err },
		"plan -refresh=false": func() (string, error) { out, _, err := cli.Plan(t, tfexec.Refresh(false)); return out, err },
		"apply":               func() (string, error) { return cli.Apply(t) },
		"destroy":             func() (string, error) { return cli.Destroy(t) },
	} {
		out, err := command()
		if err == nil || !wantError.MatchString(out) {
			t.Errorf("%s with a live-mode key: %v, want the error naming both modes:\n%s", name, err, out)
		}
	}
	if n := env.Server.TotalRequests(); n != 0 {
		t.Errorf("the commands with a live-mode key sent %d requests (%v), want none", n, env.Server.Stats())
	}
	if err := env.ServerMatchesStateJSON(cli.MustShow(t)); err != nil {
		t.Errorf("after the commands with a live-mode key: %v", err)
	}
	if got, want := acctest.StateEndpoints(cli.MustShow(t)), acctest.StateEndpoints(before); len(got) != 1 || len(want) != 1 || got[firstKey(want)] != want[firstKey(want)] {
		t.Errorf("the state changed: %v, was %v", got, want)
	}

	cli.WriteMain(t, withKey(acctest.APIKey))
	if out, changes, err := cli.Plan(t); err != nil || changes {
		t.Errorf("plan back on the test-mode key: changes %v, %v\n%s", changes, err, out)
	}
	cli.MustDestroy(t)
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}

// A live-mode provider under an alias beside the default test-mode one:
// each endpoint is made, read and planned with its own key, and the data
// source sees the mode of its provider's key. Terraform runs a provider
// process per provider block only for an installed provider, so this runs
// it as one (dev_overrides): the in-process provider of the other tests
// serves every block from one process.
func TestAccWebhookEndpoint_liveAliasBesideTestDefault(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	config := env.ProviderBlock(`  mode = "test"`) + env.ProviderBlockWithKey(acctest.LiveAPIKey, `  alias = "live"`, `  mode  = "live"`) + `
resource "retivo_webhook_endpoint" "test_mode" {
  url = "https://example.com/test-mode"
}

resource "retivo_webhook_endpoint" "live_mode" {
  provider = retivo.live
  url      = "https://example.com/live-mode"
}

data "retivo_webhook_endpoints" "live" {
  provider   = retivo.live
  depends_on = [retivo_webhook_endpoint.live_mode]
}

output "modes" {
  value = {
    test_mode = retivo_webhook_endpoint.test_mode.mode
    live_mode = retivo_webhook_endpoint.live_mode.mode
    listed    = [for e in data.retivo_webhook_endpoints.live.endpoints : "${e.url} ${e.mode}"]
  }
}
`
	cli := acctest.NewDevOverridesCLI(t, config)
	cli.MustApply(t)
	want := `{"listed":["https://example.com/live-mode live"],"live_mode":"live","test_mode":"test"}`
	if got := strings.TrimSpace(cli.MustExec(t, "output", "-json", "-no-color", "modes")); got != want {
		t.Errorf("modes = %s, want %s", got, want)
	}
	if err := env.ServerMatchesStateJSON(cli.MustShow(t)); err != nil {
		t.Error(err)
	}
	if out, changes, err := cli.Plan(t); err != nil || changes {
		t.Errorf("plan after apply: changes %v, %v\n%s", changes, err, out)
	}
	cli.MustDestroy(t)
	if err := env.CheckDestroyed(nil); err != nil {
		t.Error(err)
	}
}

// The resource page's "Moving from test mode to live mode", run as written:
// with the test-mode key, the removed block (the docs' own file) makes
// Terraform forget the endpoint and leave it on Retivo; then, with the
// live-mode key, the resource comes back as a new live-mode endpoint.
func TestAccWebhookEndpoint_moveFromTestToLiveMode(t *testing.T) {
	removed, err := os.ReadFile("../../examples/resources/retivo_webhook_endpoint/move-to-live/removed.tf")
	if err != nil {
		t.Fatal(err)
	}
	env := acctest.NewEnv(t, localserver.Options{})
	address := "retivo_webhook_endpoint.orders"
	acctest.ParallelTest(t, resource.TestCase{
		// The destroy deletes the live-mode endpoint; the test-mode one was
		// handed over and stays.
		CheckDestroy: env.CheckServerCount(1),
		Steps: []resource.TestStep{
			{
				Config:            env.Config(ordersEndpoint),
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(address, tfjsonpath.New("mode"), knownvalue.StringExact("test"))},
			},
			{
				Config: env.Config(string(removed)),
				Check:  env.CheckServerCount(1),
			},
			{
				Config:            env.ProviderBlockWithKey(acctest.LiveAPIKey) + ordersEndpoint,
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(address, tfjsonpath.New("mode"), knownvalue.StringExact("live"))},
				Check:             resource.ComposeAggregateTestCheckFunc(env.CheckServerCount(2), env.CheckSecretIssued(address)),
			},
		},
	})
}

// A state written by an earlier version has no mode: the first read that
// finds the endpoint sets it to the key's; one that does not find it cannot
// know the endpoint's mode, so its warning names the key's and asks to check it.
func TestWebhookEndpoint_stateWithoutModeProtocol(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	stored := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/old", Active: true})
	h := newProtocolHarness(t, env)
	resourceType := h.schema.ResourceSchemas[endpointType].ValueType()
	oldState := func(id string) *tfprotov6.DynamicValue {
		return h.value(resourceType, map[string]tftypes.Value{
			"id":                tftypes.NewValue(tftypes.String, id),
			"url":               tftypes.NewValue(tftypes.String, "https://example.com/old"),
			"description":       tftypes.NewValue(tftypes.String, ""),
			"subscribed_events": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{}),
			"active":            tftypes.NewValue(tftypes.Bool, true),
		})
	}

	read, err := h.server.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{TypeName: endpointType, CurrentState: oldState(stored.ID)})
	h.check("ReadResource", err, read.Diagnostics)
	if got := str(t, h.decode(resourceType, read.NewState)["mode"]); got != "test" {
		t.Errorf("mode after the first read with a test-mode key = %q, want test", got)
	}

	missing, err := h.server.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{TypeName: endpointType,
		CurrentState: oldState("we_0123456789abcdef01234567")})
	h.check("ReadResource", err, missing.Diagnostics)
	want := acctest.ErrorPattern("test-mode key (rt_test_…)", "cannot see live-mode endpoints",
		"made with a live-mode key (rt_live_…), switch the provider's key back to one before you apply")
	if len(missing.Diagnostics) != 1 || !want.MatchString(missing.Diagnostics[0].Detail) {
		t.Errorf("the not-found warning does not name the key's mode: %s", describeDiagnostics(missing.Diagnostics))
	}
}

// An import of a live-mode endpoint with a test-mode key fails, and says
// which mode the key is and to switch it if the endpoint is of the other.
func TestAccWebhookEndpoint_importOfTheOtherMode(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	live := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/orders", Active: true,
		SubscribedEvents: []string{"order.created"}, Live: true})
	cli := acctest.NewCLI(t, env.Config(ordersEndpoint))
	out, err := cli.Import(t, "retivo_webhook_endpoint.orders", live.ID)
	if err == nil {
		t.Fatalf("import of a live-mode endpoint with a test-mode key succeeded:\n%s", out)
	}
	if !acctest.ErrorPattern("test-mode key (rt_test_…)", "cannot see live-mode endpoints", live.ID).MatchString(out) {
		t.Errorf("the import does not say the key's mode:\n%s", out)
	}
	if out, _ := cli.Exec(t, "", "state", "list"); strings.Contains(out, "retivo_webhook_endpoint") {
		t.Errorf("the state holds %q after a failed import", out)
	}
}

func describeDiagnostics(diags []*tfprotov6.Diagnostic) string {
	var out strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&out, "\n%s: %s: %s", d.Severity, d.Summary, d.Detail)
	}
	return out.String()
}

// A destroy (-refresh=false) of a state written by an earlier version, with
// a key of the other mode than the endpoint's: the DELETE meets a 404, and
// the state forgets the endpoint with a warning that names the key's mode,
// since the endpoint may still be on Retivo.
func TestWebhookEndpoint_deleteOfStateWithoutModeProtocol(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	live := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/old", Active: true, Live: true})
	h := newProtocolHarness(t, env) // test-mode key
	resourceType := h.schema.ResourceSchemas[endpointType].ValueType()
	prior := h.value(resourceType, map[string]tftypes.Value{
		"id":                tftypes.NewValue(tftypes.String, live.ID),
		"url":               tftypes.NewValue(tftypes.String, "https://example.com/old"),
		"description":       tftypes.NewValue(tftypes.String, ""),
		"subscribed_events": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{}),
		"active":            tftypes.NewValue(tftypes.Bool, true),
	})
	null, err := tfprotov6.NewDynamicValue(resourceType, tftypes.NewValue(resourceType, nil))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := h.server.ApplyResourceChange(h.ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: endpointType,
		PriorState: prior, PlannedState: &null, Config: &null})
	if err != nil {
		t.Fatal(err)
	}
	if _, still := env.Server.Endpoint(live.ID); !still {
		t.Fatal("the live endpoint was deleted")
	}
	if !acctest.ErrorPattern("test-mode key (rt_test_…)", "cannot see live-mode endpoints", live.ID).MatchString(describeDiagnostics(resp.Diagnostics)) {
		t.Errorf("a delete of a state without a mode that met a 404 does not say the key's mode: Terraform "+
			"forgets live endpoint %s, still on Retivo:%s", live.ID, describeDiagnostics(resp.Diagnostics))
	}
}

// An update (-refresh=false) of a state written by an earlier version, with
// a key of the other mode than the endpoint's: the PUT meets a 404, and the
// error names the key's mode instead of advising an apply that creates the
// endpoint anew in the wrong mode.
func TestWebhookEndpoint_updateOfStateWithoutModeProtocol(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	live := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/old", Active: true, Live: true})
	h := newProtocolHarness(t, env) // test-mode key
	resourceType := h.schema.ResourceSchemas[endpointType].ValueType()
	object := func(url string, mode tftypes.Value) *tfprotov6.DynamicValue {
		return h.value(resourceType, map[string]tftypes.Value{
			"id":                tftypes.NewValue(tftypes.String, live.ID),
			"url":               tftypes.NewValue(tftypes.String, url),
			"description":       tftypes.NewValue(tftypes.String, ""),
			"subscribed_events": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{}),
			"active":            tftypes.NewValue(tftypes.Bool, true),
			"mode":              mode,
		})
	}
	resp, err := h.server.ApplyResourceChange(h.ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: endpointType,
		PriorState:   object("https://example.com/old", tftypes.NewValue(tftypes.String, nil)),
		PlannedState: object("https://example.com/new", tftypes.NewValue(tftypes.String, tftypes.UnknownValue)),
		Config:       object("https://example.com/new", tftypes.NewValue(tftypes.String, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if got := env.Server.Count(localserver.RouteUpdate); got != 1 {
		t.Fatalf("PUTs = %d, want the one a mode-less state cannot avoid", got)
	}
	if !acctest.ErrorPattern("test-mode key (rt_test_…)", "cannot see live-mode endpoints").MatchString(describeDiagnostics(resp.Diagnostics)) {
		t.Errorf("the 404 of an update of a state without a mode does not name the key's mode:%s", describeDiagnostics(resp.Diagnostics))
	}
}
