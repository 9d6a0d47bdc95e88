package provider_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/querycheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// terraform query needs Terraform 1.14; TestProtocol_listResource covers the
// list resource on older CLIs through the protocol.
func TestAccWebhookEndpointListResource_query(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://made.elsewhere.example/hook", Active: false,
		SubscribedEvents: []string{"order.created"}})
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: endpointConfig(env, `
  url               = "https://managed.example/hook"
  subscribed_events = ["order.created"]`),
			},
			{
				Query: true,
				Config: env.Config(`
list "retivo_webhook_endpoint" "all" {
  provider = retivo
}

list "retivo_webhook_endpoint" "paused" {
  provider = retivo
  config {
    active = false
  }
}
`),
				QueryResultChecks: []querycheck.QueryResultCheck{
					querycheck.ExpectLength("retivo_webhook_endpoint.all", 2),
					querycheck.ExpectLength("retivo_webhook_endpoint.paused", 1),
				},
			},
		},
	})
}
