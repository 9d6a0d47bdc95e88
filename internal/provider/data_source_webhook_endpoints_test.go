package provider_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

var compareSame = compare.ValuesSame()

func TestAccWebhookEndpointsDataSource_filters(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	managed := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://managed.example/hook", Active: true,
		SubscribedEvents: []string{"order.created", "order.paid"}})
	paused := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://paused.example/hook", SubscribedEvents: []string{"order.created"}})
	other := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://other.example/hook", Active: true, SubscribedEvents: []string{"customer.created"}})
	config := env.Config(`
data "retivo_webhook_endpoints" "all" {}

data "retivo_webhook_endpoints" "active" {
  active = true
}

data "retivo_webhook_endpoints" "inactive" {
  active = false
}

data "retivo_webhook_endpoints" "orders" {
  subscribed_event = "order.created"
}

data "retivo_webhook_endpoints" "active_orders" {
  active           = true
  subscribed_event = "order.created"
}

data "retivo_webhook_endpoints" "by_host" {
  url_contains = "other.example"
}
`)
	// expectIDs checks a data source's ids: exactly these, sorted.
	expectIDs := func(name string, ids ...string) statecheck.StateCheck {
		slices.Sort(ids)
		checks := make([]knownvalue.Check, 0, len(ids))
		for _, id := range ids {
			checks = append(checks, knownvalue.StringExact(id))
		}
		return statecheck.ExpectKnownValue("data.retivo_webhook_endpoints."+name, tfjsonpath.New("ids"), knownvalue.ListExact(checks))
	}
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					expectIDs("all", managed.ID, paused.ID, other.ID),
					expectIDs("active", managed.ID, other.ID),
					expectIDs("inactive", paused.ID),
					expectIDs("orders", managed.ID, paused.ID),
					expectIDs("active_orders", managed.ID),
					expectIDs("by_host", other.ID),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoints.by_host", tfjsonpath.New("endpoints"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectExact(map[string]knownvalue.Check{
							"id":                knownvalue.StringExact(other.ID),
							"url":               knownvalue.StringExact("https://other.example/hook"),
							"active":            knownvalue.Bool(true),
							"description":       knownvalue.StringExact(""),
							"subscribed_events": knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("customer.created")}),
							"created_at":        knownvalue.NotNull(),
							"updated_at":        knownvalue.NotNull(),
							"mode":              knownvalue.StringExact("test"),
						})})),
				},
			},
			// Reading again gives the same order: no diff.
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// "subscribed_events": null from Retivo reads as no events in the list too.
func TestAccWebhookEndpointsDataSource_withoutEvents(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://bare.example/hook", Active: true})
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
data "retivo_webhook_endpoints" "all" {}

output "event_count" {
  value = length(data.retivo_webhook_endpoints.all.endpoints[0].subscribed_events)
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoints.all",
						tfjsonpath.New("endpoints").AtSliceIndex(0).AtMapKey("subscribed_events"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownOutputValue("event_count", knownvalue.Int64Exact(0)),
				},
			},
		},
	})
}

// TestWebhookEndpointsDataSource_maxEndpoints bounds the number of
// endpoints the data source holds: a selection over max_endpoints (or its
// default) is an error that names the count, the limit and the fixes.
func TestWebhookEndpointsDataSource_maxEndpoints(t *testing.T) {
	env := filledServer(t, 4)
	tests := map[string]struct {
		maxEndpoints any // nil leaves max_endpoints out
		filter       string
		wantError    string
	}{
		"default limit":            {},
		"limit equal to the count": {maxEndpoints: 4},
		"limit under the count":    {maxEndpoints: 3, wantError: "selected 4 endpoints, more than max_endpoints (3)"},
		"filter under the limit":   {maxEndpoints: 1, filter: "hooks/2"},
		"filter over the limit":    {maxEndpoints: 1, filter: "hooks/", wantError: "set max_endpoints to at least 4"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			resp := readEndpointsDataSource(t, env, tc.maxEndpoints, tc.filter)
			var errs []string
			for _, d := range resp.Diagnostics {
				if d.Severity == tfprotov6.DiagnosticSeverityError {
					errs = append(errs, d.Summary+": "+d.Detail)
				}
			}
			switch {
			case tc.wantError == "" && len(errs) > 0:
				t.Fatalf("unexpected errors: %v", errs)
			case tc.wantError != "" && (len(errs) != 1 || !strings.Contains(errs[0], tc.wantError) ||
				!strings.HasPrefix(errs[0], "Too many webhook endpoints selected")):
				t.Fatalf("errors %v, want one saying %q", errs, tc.wantError)
			}
		})
	}
}

// TestWebhookEndpointsDataSource_hugeAccount reads an account of 180,000
// endpoints: the provider must end in a clear error rather than read the
// whole account and hold it as Terraform values until memory runs out.
func TestWebhookEndpointsDataSource_hugeAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a server with 180,000 endpoints")
	}
	resp := readEndpointsDataSource(t, filledServer(t, 180_000), nil, "")
	if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Severity != tfprotov6.DiagnosticSeverityError {
		t.Fatalf("diagnostics %v, want one error", resp.Diagnostics)
	}
	d := resp.Diagnostics[0]
	if d.Summary != "Retivo's answer is too large" || !strings.Contains(d.Detail, "at most 16 MiB") ||
		!strings.Contains(d.Detail, "delete the endpoints nobody uses") {
		t.Fatalf("unclear error: %s: %s", d.Summary, d.Detail)
	}
}

// readEndpointsDataSource reads retivo_webhook_endpoints through the
// protocol with max_endpoints (nil: left out) and url_contains ("": left out).
func readEndpointsDataSource(t *testing.T, env *acctest.Env, maxEndpoints any, urlContains string) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	h := newProtocolHarness(t, env)
	attrs := map[string]tftypes.Value{}
	if maxEndpoints != nil {
		attrs["max_endpoints"] = tftypes.NewValue(tftypes.Number, maxEndpoints)
	}
	if urlContains != "" {
		attrs["url_contains"] = tftypes.NewValue(tftypes.String, urlContains)
	}
	typ := h.schema.DataSourceSchemas["retivo_webhook_endpoints"].ValueType()
	resp, err := h.server.ReadDataSource(h.ctx, &tfprotov6.ReadDataSourceRequest{
		TypeName: "retivo_webhook_endpoints", Config: h.value(typ, attrs),
	})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}
