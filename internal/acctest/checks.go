package acctest

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// StoredEndpoint reads the id of a resource from Terraform's state and
// returns what the local server stores under it.
func (e *Env) StoredEndpoint(s *terraform.State, address string) (localserver.Endpoint, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return localserver.Endpoint{}, fmt.Errorf("%s is not in the state", address)
	}
	stored, ok := e.Server.Endpoint(rs.Primary.ID)
	if !ok {
		return localserver.Endpoint{}, fmt.Errorf("the server holds no endpoint %q for %s", rs.Primary.ID, address)
	}
	return stored, nil
}

// CheckStored asserts on the server's copy of a resource's endpoint, so tests
// check what really happened and not only what Terraform believes.
func (e *Env) CheckStored(address string, check func(stored localserver.Endpoint, attrs map[string]string) error) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		stored, err := e.StoredEndpoint(s, address)
		if err != nil {
			return err
		}
		return check(stored, s.RootModule().Resources[address].Primary.Attributes)
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
	for address, rs := range s.RootModule().Resources {
		if rs.Type != "retivo_webhook_endpoint" {
			continue
		}
		if rs.Primary.Attributes["secret"] == "" {
			return fmt.Errorf("%s has no secret in state", address)
		}
		inState[rs.Primary.ID] = rs.Primary.Attributes["secret"]
	}
	return e.compareWithServer(inState)
}

// compareWithServer compares the server with a map of endpoint id to secret.
func (e *Env) compareWithServer(inState map[string]string) error {
	stored := e.Server.Endpoints()
	if len(stored) != len(inState) {
		return fmt.Errorf("server holds %d endpoints, state %d", len(stored), len(inState))
	}
	for _, ep := range stored {
		secret, ok := inState[ep.ID]
		if !ok {
			return fmt.Errorf("endpoint %s on the server is not in state (an orphan)", ep.ID)
		}
		if secret != ep.Secret {
			return fmt.Errorf("endpoint %s: the state's secret is not the server's", ep.ID)
		}
	}
	return nil
}

// StateEndpoints reads the output of `terraform show -json`: the id and
// secret ("" when the state has none) of each retivo_webhook_endpoint.
func StateEndpoints(showJSON []byte) (map[string]string, error) {
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type   string `json:"type"`
					Values struct {
						ID     string `json:"id"`
						Secret string `json:"secret"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal(showJSON, &state); err != nil {
		return nil, fmt.Errorf("reading terraform show -json: %w", err)
	}
	endpoints := map[string]string{}
	for _, r := range state.Values.RootModule.Resources {
		if r.Type == "retivo_webhook_endpoint" {
			endpoints[r.Values.ID] = r.Values.Secret
		}
	}
	return endpoints, nil
}

// ServerMatchesStateJSON is CheckServerMatchesState for the output of
// `terraform show -json`.
func (e *Env) ServerMatchesStateJSON(showJSON []byte) error {
	inState, err := StateEndpoints(showJSON)
	if err != nil {
		return err
	}
	for id, secret := range inState {
		if secret == "" {
			return fmt.Errorf("endpoint %s has no secret in state", id)
		}
	}
	return e.compareWithServer(inState)
}
