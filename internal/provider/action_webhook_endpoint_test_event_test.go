package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// Actions need Terraform 1.14; TestProtocol_action covers the action on older
// CLIs through the protocol.
func TestAccWebhookEndpointTestAction_afterCreate(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
action "retivo_webhook_endpoint_test" "check" {
  config {
    endpoint_id = retivo_webhook_endpoint.test.id
  }
}

resource "retivo_webhook_endpoint" "test" {
  url = "` + env.ReceiverURL + `/action"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.retivo_webhook_endpoint_test.check]
    }
  }
}
`),
				Check: func(*terraform.State) error {
					if n := len(env.Receiver.Deliveries()); n != 1 {
						return fmt.Errorf("the action made %d deliveries, want 1", n)
					}
					return nil
				},
			},
		},
	})
}
