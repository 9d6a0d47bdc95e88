package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
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
