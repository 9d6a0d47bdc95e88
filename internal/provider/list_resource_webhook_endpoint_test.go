package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// terraform query needs Terraform 1.14; TestWebhookEndpointListResource_protocol covers the
// list resource on older CLIs through the protocol.
func TestAccWebhookEndpointListResource_query(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://made.elsewhere.example/hook", Active: false,
		SubscribedEvents: []string{"order.created"}})
	acctest.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		Steps: []resource.TestStep{
			{
				Config: endpointConfig(env, `
  url               = "https://managed.example/hook"
  subscribed_events = ["order.created"]`),
			},
			{
				Query: true,
				// A query step's configuration is the query file only: the
				// provider block comes from the previous step's .tf file,
				// which stays in the working directory.
				Config: `
list "retivo_webhook_endpoint" "all" {
  provider = retivo
}

list "retivo_webhook_endpoint" "paused" {
  provider = retivo
  config {
    active = false
  }
}
`,
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("retivo_webhook_endpoint.all", 2),
					querycheck.ExpectLength("retivo_webhook_endpoint.paused", 1),
				},
			},
		},
	})
}

// Through the protocol, as Terraform 1.12+/1.14+ calls it (see protocol_test.go).
func TestWebhookEndpointListResource_protocol(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	a := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://a.example/hook", Description: "orders", Active: true, SubscribedEvents: []string{"order.created"}})
	b := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://b.example/hook", Active: false, SubscribedEvents: []string{"order.created"}})
	c := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://c.example/hook", Active: true})
	h := newProtocolHarness(t, env)
	listType := h.schema.ListResourceSchemas[endpointType].ValueType()
	identityType := h.identity.ValueType()
	resourceType := h.schema.ResourceSchemas[endpointType].ValueType()

	list := func(filter map[string]tftypes.Value, includeResource bool, limit int64) []tfprotov6.ListResourceResult {
		t.Helper()
		config := h.value(listType, filter)
		validated, err := h.server.ValidateListResourceConfig(h.ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: endpointType, Config: config})
		h.check("ValidateListResourceConfig", err, validated.Diagnostics)
		stream, err := h.server.ListResource(h.ctx, &tfprotov6.ListResourceRequest{
			TypeName: endpointType, Config: config, IncludeResource: includeResource, Limit: limit,
		})
		if err != nil {
			t.Fatal(err)
		}
		var results []tfprotov6.ListResourceResult
		for r := range stream.Results {
			h.check("ListResource result", nil, r.Diagnostics)
			results = append(results, r)
		}
		return results
	}
	ids := func(results []tfprotov6.ListResourceResult) []string {
		var out []string
		for _, r := range results {
			out = append(out, str(t, h.decode(identityType, r.Identity.IdentityData)["id"]))
		}
		return out
	}
	sorted := func(s ...string) []string { slices.Sort(s); return s }

	if got, want := ids(list(nil, false, 100)), sorted(a.ID, b.ID, c.ID); !slices.Equal(got, want) {
		t.Errorf("all: %v, want %v", got, want)
	}
	active := map[string]tftypes.Value{"active": tftypes.NewValue(tftypes.Bool, true)}
	if got, want := ids(list(active, false, 100)), sorted(a.ID, c.ID); !slices.Equal(got, want) {
		t.Errorf("active: %v, want %v", got, want)
	}
	orders := map[string]tftypes.Value{"subscribed_event": tftypes.NewValue(tftypes.String, "order.created")}
	if got, want := ids(list(orders, false, 100)), sorted(a.ID, b.ID); !slices.Equal(got, want) {
		t.Errorf("order.created: %v, want %v", got, want)
	}
	if got := list(nil, false, 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d results", len(got))
	}

	withResource := list(map[string]tftypes.Value{"url_contains": tftypes.NewValue(tftypes.String, "a.example")}, true, 100)
	if len(withResource) != 1 || withResource[0].Resource == nil {
		t.Fatalf("url_contains a.example: %d results", len(withResource))
	}
	if !strings.Contains(withResource[0].DisplayName, "orders") {
		t.Errorf("display name %q", withResource[0].DisplayName)
	}
	attrs := h.decode(resourceType, withResource[0].Resource)
	if str(t, attrs["url"]) != a.URL || str(t, attrs["description"]) != "orders" || !attrs["secret"].IsNull() {
		t.Errorf("listed resource attributes %v", attrs)
	}

	// c was registered without events: Retivo answers null, which the
	// listed resource must hold as no events, as an import would.
	withoutEvents := list(map[string]tftypes.Value{"url_contains": tftypes.NewValue(tftypes.String, "c.example")}, true, 100)
	if len(withoutEvents) != 1 || withoutEvents[0].Resource == nil {
		t.Fatalf("url_contains c.example: %d results", len(withoutEvents))
	}
	events := h.decode(resourceType, withoutEvents[0].Resource)["subscribed_events"]
	var elems []tftypes.Value
	if events.IsNull() || events.As(&elems) != nil || len(elems) != 0 {
		t.Errorf("listed endpoint without events: subscribed_events = %v, want an empty set", events)
	}
}

// The workflow a user follows to bring an account under Terraform on 1.14:
// `terraform query -generate-config-out` writes import and resource blocks
// for every endpoint, applying them imports each one without changing it,
// and the next plan is empty.
func TestAccWebhookEndpointListResource_generateConfigApplies(t *testing.T) {
	t.Parallel()
	acctest.SkipBelow(t, tfversion.Version1_14_0, "terraform query")
	env := acctest.NewEnv(t, localserver.Options{})
	made := []localserver.Endpoint{
		env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://full.example/hook", Description: "orders",
			Active: true, SubscribedEvents: []string{"order.created", "order.paid"}}),
		env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://paused.example/hook", Active: false,
			SubscribedEvents: []string{"order.created"}}),
		env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://bare.example/hook", Active: true}),
	}
	cli := acctest.NewCLIFiles(t, map[string]string{
		"main.tf": env.ProviderBlock(),
		"all.tfquery.hcl": `
list "retivo_webhook_endpoint" "all" {
  provider = retivo
}
`,
	})
	cli.MustExec(t, "query", "-no-color", "-generate-config-out=generated.tf")
	generated, err := os.ReadFile(filepath.Join(cli.Dir, "generated.tf"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range made {
		if !strings.Contains(string(generated), e.ID) || !strings.Contains(string(generated), e.URL) {
			t.Errorf("generated.tf lacks endpoint %s (%s):\n%s", e.ID, e.URL, generated)
		}
	}
	if n := strings.Count(string(generated), "identity = {"); n != len(made) {
		t.Errorf("generated.tf has %d import-by-identity blocks, want %d:\n%s", n, len(made), generated)
	}

	env.Server.ResetStats()
	out := cli.MustApply(t)
	if want := fmt.Sprintf("Resources: %d imported, 0 added, 0 changed, 0 destroyed", len(made)); !strings.Contains(out, want) {
		t.Errorf("apply of the generated configuration did not say %q:\n%s\n%s", want, out, generated)
	}
	for _, route := range []string{localserver.RouteCreate, localserver.RouteUpdate, localserver.RouteDelete} {
		if n := env.Server.Count(route); n != 0 {
			t.Errorf("importing the generated configuration made %d %s calls", n, route)
		}
	}
	if out, changes, err := cli.Plan(t); err != nil || changes {
		t.Errorf("plan after importing the generated configuration is not empty (%v, changes %v):\n%s", err, changes, out)
	}
}
