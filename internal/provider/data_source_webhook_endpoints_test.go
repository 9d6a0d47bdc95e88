package provider_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

var compareSame = compare.ValuesSame()

func TestAccWebhookEndpointsDataSource_filters(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	paused := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://paused.example/hook", SubscribedEvents: []string{"order.created"}})
	other := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://other.example/hook", Active: true, SubscribedEvents: []string{"customer.created"}})
	config := env.Config(`
resource "retivo_webhook_endpoint" "managed" {
  url               = "https://managed.example/hook"
  subscribed_events = ["order.created", "order.paid"]
}

data "retivo_webhook_endpoints" "all" {
  depends_on = [retivo_webhook_endpoint.managed]
}

data "retivo_webhook_endpoints" "active" {
  active     = true
  depends_on = [retivo_webhook_endpoint.managed]
}

data "retivo_webhook_endpoints" "inactive" {
  active     = false
  depends_on = [retivo_webhook_endpoint.managed]
}

data "retivo_webhook_endpoints" "orders" {
  subscribed_event = "order.created"
  depends_on       = [retivo_webhook_endpoint.managed]
}

data "retivo_webhook_endpoints" "active_orders" {
  active           = true
  subscribed_event = "order.created"
  depends_on       = [retivo_webhook_endpoint.managed]
}

data "retivo_webhook_endpoints" "by_host" {
  url_contains = "other.example"
  depends_on   = [retivo_webhook_endpoint.managed]
}
`)
	ids := func(s *terraform.State, address string) []string {
		attrs := s.RootModule().Resources[address].Primary.Attributes
		var out []string
		for i := 0; ; i++ {
			v, ok := attrs[fmt.Sprintf("ids.%d", i)]
			if !ok {
				return out
			}
			out = append(out, v)
		}
	}
	expectIDs := func(address string, want ...string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			wantIDs := slices.Clone(want)
			for i, w := range wantIDs {
				if w == "managed" {
					wantIDs[i] = s.RootModule().Resources["retivo_webhook_endpoint.managed"].Primary.ID
				}
			}
			slices.Sort(wantIDs)
			if got := ids(s, address); !slices.Equal(got, wantIDs) {
				return fmt.Errorf("%s ids %v, want %v (sorted)", address, got, wantIDs)
			}
			return nil
		}
	}
	acctest.Test(t, resource.TestCase{
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					expectIDs("data.retivo_webhook_endpoints.all", "managed", paused.ID, other.ID),
					expectIDs("data.retivo_webhook_endpoints.active", "managed", other.ID),
					expectIDs("data.retivo_webhook_endpoints.inactive", paused.ID),
					expectIDs("data.retivo_webhook_endpoints.orders", "managed", paused.ID),
					expectIDs("data.retivo_webhook_endpoints.active_orders", "managed"),
					expectIDs("data.retivo_webhook_endpoints.by_host", other.ID),
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.retivo_webhook_endpoints.by_host", tfjsonpath.New("endpoints"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.ObjectPartial(map[string]knownvalue.Check{
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
	acctest.Test(t, resource.TestCase{
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
