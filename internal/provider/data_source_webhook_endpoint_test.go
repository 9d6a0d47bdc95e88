package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

func TestAccWebhookEndpointDataSource_basic(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	outside := env.Server.InsertEndpoint(localserver.Endpoint{
		URL: "https://elsewhere.example/hook", Description: "made in the dashboard",
		SubscribedEvents: []string{"customer.created"}, Active: false,
	})
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
resource "retivo_webhook_endpoint" "managed" {
  url               = "https://example.com/managed"
  description       = "managed"
  subscribed_events = ["order.created", "order.paid"]
}

# Read in the same apply as the create: it must see the new endpoint.
data "retivo_webhook_endpoint" "managed" {
  id = retivo_webhook_endpoint.managed.id
}

data "retivo_webhook_endpoint" "outside" {
  id = "` + outside.ID + `"
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.retivo_webhook_endpoint.managed", tfjsonpath.New("id"),
						"retivo_webhook_endpoint.managed", tfjsonpath.New("id"), compareSame),
					statecheck.CompareValuePairs("data.retivo_webhook_endpoint.managed", tfjsonpath.New("updated_at"),
						"retivo_webhook_endpoint.managed", tfjsonpath.New("updated_at"), compareSame),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.managed", tfjsonpath.New("subscribed_events"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("order.created"), knownvalue.StringExact("order.paid")})),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.outside", tfjsonpath.New("url"), knownvalue.StringExact("https://elsewhere.example/hook")),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.outside", tfjsonpath.New("description"), knownvalue.StringExact("made in the dashboard")),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.outside", tfjsonpath.New("active"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.outside", tfjsonpath.New("subscribed_events"),
						knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("customer.created")})),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.outside", tfjsonpath.New("created_at"), knownvalue.NotNull()),
				},
			},
		},
	})
}

func TestAccWebhookEndpointDataSource_unknownID(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
data "retivo_webhook_endpoint" "missing" {
  id = "we_not_there"
}
`),
				ExpectError: acctest.ErrorPattern("Webhook endpoint not found", `no webhook endpoint with id "we_not_there"`),
			},
		},
	})
}

// Retivo answers "subscribed_events": null for an endpoint registered
// without events: the data source reads that as no events, so length() works.
func TestAccWebhookEndpointDataSource_withoutEvents(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	bare := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://bare.example/hook", Active: true})
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
data "retivo_webhook_endpoint" "bare" {
  id = "` + bare.ID + `"
}

output "event_count" {
  value = length(data.retivo_webhook_endpoint.bare.subscribed_events)
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.bare", tfjsonpath.New("subscribed_events"), knownvalue.SetSizeExact(0)),
					statecheck.ExpectKnownOutputValue("event_count", knownvalue.Int64Exact(0)),
				},
			},
		},
	})
}

// The data sources' docs ("Reading endpoints this configuration manages"),
// checked on the CLI: after an in-place update of an endpoint the same
// configuration manages, a data source whose arguments are only text (a
// literal id or filter) was read while planning and shows the values from
// before the update, so the next plan changes an output built from it; the
// resource's attributes, and a data source that refers to the resource or
// has depends_on on it (read during the apply), show the updated values in
// that run.
func TestAccWebhookEndpointDataSources_managedEndpointUpdated(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	managed := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/managed-orders", Active: true,
		SubscribedEvents: []string{"order.created"}})
	config := func(events string) string {
		return env.Config(fmt.Sprintf(`
import {
  to = retivo_webhook_endpoint.orders
  id = %[1]q
}

resource "retivo_webhook_endpoint" "orders" {
  url               = "https://example.com/managed-orders"
  subscribed_events = %[2]s
}

data "retivo_webhook_endpoint" "literal_id" {
  id = %[1]q
}

data "retivo_webhook_endpoint" "reference" {
  id = retivo_webhook_endpoint.orders.id
}

data "retivo_webhook_endpoint" "depends_on" {
  id         = %[1]q
  depends_on = [retivo_webhook_endpoint.orders]
}

data "retivo_webhook_endpoints" "literal_filter" {
  url_contains = "managed-orders"
}

data "retivo_webhook_endpoints" "reference" {
  url_contains = retivo_webhook_endpoint.orders.url
}

data "retivo_webhook_endpoints" "depends_on" {
  url_contains = "managed-orders"
  depends_on   = [retivo_webhook_endpoint.orders]
}

output "direct" {
  value = retivo_webhook_endpoint.orders.subscribed_events
}

output "literal_id" {
  value = data.retivo_webhook_endpoint.literal_id.subscribed_events
}

output "literal_filter" {
  value = data.retivo_webhook_endpoints.literal_filter.endpoints[0].subscribed_events
}
`, managed.ID, events))
	}
	events := func(names ...string) knownvalue.Check {
		checks := make([]knownvalue.Check, 0, len(names))
		for _, n := range names {
			checks = append(checks, knownvalue.StringExact(n))
		}
		return knownvalue.SetExact(checks)
	}
	before, after := events("order.created"), events("order.created", "order.paid")
	updated := config(`["order.created", "order.paid"]`)
	acctest.ParallelTest(t, resource.TestCase{
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{Config: config(`["order.created"]`)},
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("retivo_webhook_endpoint.orders", plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownOutputValue("literal_id", before),
					plancheck.ExpectKnownOutputValue("literal_filter", before),
					plancheck.ExpectKnownOutputValue("direct", after),
					plancheck.ExpectResourceAction("data.retivo_webhook_endpoint.reference", plancheck.ResourceActionRead),
					plancheck.ExpectResourceAction("data.retivo_webhook_endpoint.depends_on", plancheck.ResourceActionRead),
					plancheck.ExpectResourceAction("data.retivo_webhook_endpoints.reference", plancheck.ResourceActionRead),
					plancheck.ExpectResourceAction("data.retivo_webhook_endpoints.depends_on", plancheck.ResourceActionRead),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.reference", tfjsonpath.New("subscribed_events"), after),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoint.depends_on", tfjsonpath.New("subscribed_events"), after),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoints.reference",
						tfjsonpath.New("endpoints").AtSliceIndex(0).AtMapKey("subscribed_events"), after),
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoints.depends_on",
						tfjsonpath.New("endpoints").AtSliceIndex(0).AtMapKey("subscribed_events"), after),
				},
				ExpectNonEmptyPlan: true, // the literal outputs, checked in the next step
			},
			{
				Config: updated,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("retivo_webhook_endpoint.orders", plancheck.ResourceActionNoop),
					plancheck.ExpectKnownOutputValue("literal_id", after),
					plancheck.ExpectKnownOutputValue("literal_filter", after),
				}},
			},
		},
	})
}
