package acctest

import (
	"fmt"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// CheckStored asserts on the server's copy of a resource's endpoint, read by
// the id in Terraform's state, so tests check what really happened and not
// only what Terraform believes.
func (e *Env) CheckStored(address string, check func(stored localserver.Endpoint, attrs map[string]string) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s is not in the state", address)
		}
		stored, ok := e.Server.Endpoint(rs.Primary.ID)
		if !ok {
			return fmt.Errorf("the server holds no endpoint %q for %s", rs.Primary.ID, address)
		}
		return check(stored, rs.Primary.Attributes)
	}
}

// CheckStoredFields asserts the server's copy has exactly these writable fields.
func (e *Env) CheckStoredFields(address, url, description string, active bool, events ...string) resource.TestCheckFunc {
	return e.CheckStored(address, func(got localserver.Endpoint, _ map[string]string) error {
		gotEvents := slices.Sorted(slices.Values(got.SubscribedEvents))
		wantEvents := slices.Sorted(slices.Values(events))
		if got.URL != url || got.Description != description || got.Active != active || !slices.Equal(gotEvents, wantEvents) {
			return fmt.Errorf("server holds url=%q description=%q active=%v events=%v; want url=%q description=%q active=%v events=%v",
				got.URL, got.Description, got.Active, gotEvents, url, description, active, wantEvents)
		}
		return nil
	})
}

// CheckSecretIssued asserts the state's secret is the one the server issued.
func (e *Env) CheckSecretIssued(address string) resource.TestCheckFunc {
	return e.CheckStored(address, func(got localserver.Endpoint, attrs map[string]string) error {
		if attrs["secret"] == "" || attrs["secret"] != got.Secret {
			return fmt.Errorf("state secret does not equal the secret the server issued")
		}
		return nil
	})
}

// CheckServerCount asserts how many endpoints the server holds.
func (e *Env) CheckServerCount(want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if got := len(e.Server.Endpoints()); got != want {
			return fmt.Errorf("server holds %d endpoints, want %d", got, want)
		}
		return nil
	}
}

// CheckDestroyed is a TestCase.CheckDestroy: nothing may be left on the server.
func (e *Env) CheckDestroyed(*terraform.State) error {
	if left := e.Server.Endpoints(); len(left) != 0 {
		return fmt.Errorf("%d endpoints left on the server after destroy", len(left))
	}
	return nil
}

// CheckServerMatchesState asserts that the server holds exactly the
// endpoints in Terraform's state, each with the secret the state holds: no
// orphan on the server, no resource without its endpoint or secret.
func (e *Env) CheckServerMatchesState(s *terraform.State) error {
	inState := map[string]string{}
	for _, rs := range s.RootModule().Resources {
		if rs.Type == "retivo_webhook_endpoint" {
			inState[rs.Primary.ID] = rs.Primary.Attributes["secret"]
		}
	}
	return e.serverMatches(inState)
}

// ServerMatchesStateJSON is CheckServerMatchesState for a state from
// `terraform show -json` (CLI.Show).
func (e *Env) ServerMatchesStateJSON(state *tfjson.State) error {
	return e.serverMatches(StateEndpoints(state))
}

// StateEndpoints is the id and secret ("" when the state has none) of each
// retivo_webhook_endpoint in a state from `terraform show -json` (CLI.Show).
func StateEndpoints(state *tfjson.State) map[string]string {
	endpoints := map[string]string{}
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return endpoints
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Type == "retivo_webhook_endpoint" {
			id, _ := r.AttributeValues["id"].(string)
			secret, _ := r.AttributeValues["secret"].(string)
			endpoints[id] = secret
		}
	}
	return endpoints
}

// ResourceValues are the attribute values of the resource at address in a
// state from `terraform show -json` (CLI.Show); nil when it is not there.
func ResourceValues(state *tfjson.State, address string) map[string]any {
	if state == nil || state.Values == nil || state.Values.RootModule == nil {
		return nil
	}
	for _, r := range state.Values.RootModule.Resources {
		if r.Address == address {
			return r.AttributeValues
		}
	}
	return nil
}

// serverMatches compares the server with a map of endpoint id to secret.
func (e *Env) serverMatches(inState map[string]string) error {
	stored := e.Server.Endpoints()
	if len(stored) != len(inState) {
		return fmt.Errorf("server holds %d endpoints, state %d", len(stored), len(inState))
	}
	for _, ep := range stored { // the same number: every endpoint in the state is one of these
		secret, ok := inState[ep.ID]
		switch {
		case !ok:
			return fmt.Errorf("endpoint %s on the server is not in state (an orphan)", ep.ID)
		case secret == "":
			return fmt.Errorf("endpoint %s has no secret in state", ep.ID)
		case secret != ep.Secret:
			return fmt.Errorf("endpoint %s: the state's secret is not the server's", ep.ID)
		}
	}
	return nil
}
