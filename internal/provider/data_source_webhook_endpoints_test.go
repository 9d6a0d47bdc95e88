package provider_test

import (
	"slices"
	"testing"

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
