package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// TestMatchesState checks Read's fast path decision where it is more than
// "each attribute equal", which TestEndpointFields checks for every
// attribute: it may skip the full read only when merging the listed
// endpoint would change nothing.
func TestMatchesState(t *testing.T) {
	listed := func(change func(*retivo.Endpoint)) retivo.Endpoint {
		e := retivo.Endpoint{
			ID: "we_0123456789abcdef01234567", URL: "https://example.com/hook", Description: retivo.String("d"),
			SubscribedEvents: []string{"b", "a"}, Active: retivo.Bool(true), CreatedAt: "c", UpdatedAt: "u",
		}
		if change != nil {
			change(&e)
		}
		return e
	}
	// state is the state Read would save for listed(nil), changed.
	state := func(change func(*webhookEndpointResourceModel)) map[string]tftypes.Value {
		m := webhookEndpointResourceModel{
			endpointModel:    newEndpointModel(listed(nil)),
			Secret:           types.StringValue("whsec_x"),
			secretEncryption: noSecretEncryption,
			Timeouts:         timeouts.Value{Object: types.ObjectNull(endpointTimeoutsAttrTypes(context.Background()))},
		}
		if change != nil {
			change(&m)
		}
		return modelAttrs(t, &m)
	}
	tests := map[string]struct {
		endpoint retivo.Endpoint
		state    map[string]tftypes.Value
		want     bool
	}{
		"same":                      {listed(nil), state(nil), true},
		"events in another order":   {listed(func(e *retivo.Endpoint) { e.SubscribedEvents = []string{"b", "a", "b"} }), state(nil), true},
		"fields left out":           {listed(func(e *retivo.Endpoint) { e.Description, e.Active, e.UpdatedAt = nil, nil, "" }), state(nil), true},
		"url in an equivalent form": {listed(func(e *retivo.Endpoint) { e.URL = "https://EXAMPLE.com/hook" }), state(nil), true},
		"event added":               {listed(func(e *retivo.Endpoint) { e.SubscribedEvents = []string{"a", "b", "c"} }), state(nil), false},
		"event removed":             {listed(func(e *retivo.Endpoint) { e.SubscribedEvents = []string{"a"} }), state(nil), false},
		"description cleared":       {listed(func(e *retivo.Endpoint) { e.Description = retivo.String("") }), state(nil), false},
		"state without description": {listed(nil), state(func(m *webhookEndpointResourceModel) {
			m.Description = types.StringNull()
		}), false},
		"state without events": {listed(nil), state(func(m *webhookEndpointResourceModel) {
			m.SubscribedEvents = types.SetNull(types.StringType)
		}), false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := matchesState(tc.endpoint, tc.state); got != tc.want {
				t.Errorf("matchesState = %v, want %v", got, tc.want)
			}
		})
	}
}
