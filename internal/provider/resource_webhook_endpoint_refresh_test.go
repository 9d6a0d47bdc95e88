package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// A refresh of many endpoints in parallel costs one list call, and still
// gives each resource its own state: only the endpoints changed outside
// Terraform show in the plan.
func TestAccWebhookEndpoint_parallelRefresh(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli := acctest.NewCLI(t, env.Config(`
resource "retivo_webhook_endpoint" "many" {
  count       = 30
  url         = "https://example.com/hooks/${count.index}"
  description = "endpoint ${count.index}"
}
`))
	if out, err := cli.Apply(t); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	changed := map[string]bool{}
	for _, e := range env.Server.Endpoints() {
		if e.Description == "endpoint 3" || e.Description == "endpoint 17" {
			changed[e.ID] = true
			if err := env.Server.ModifyEndpoint(e.ID, func(e *localserver.Endpoint) { e.Description += " (edited)" }); err != nil {
				t.Fatal(err)
			}
		}
	}
	env.Server.ResetStats()
	out, changes, err := cli.Plan(t)
	if !changes {
		t.Fatalf("the plan sees no change (%v):\n%s", err, out)
	}
	if !strings.Contains(out, "0 to add, 2 to change, 0 to destroy") {
		t.Errorf("want exactly the two edited endpoints to change:\n%s", out)
	}
	for _, index := range []int{3, 17} {
		if !strings.Contains(out, fmt.Sprintf("retivo_webhook_endpoint.many[%d] will be updated in-place", index)) {
			t.Errorf("many[%d] is not planned for an update", index)
		}
	}
	if n := env.Server.Count(localserver.RouteList); n != 1 {
		t.Errorf("the refresh of 30 endpoints made %d list calls, want 1", n)
	}
	if out, err := cli.Destroy(t); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}
