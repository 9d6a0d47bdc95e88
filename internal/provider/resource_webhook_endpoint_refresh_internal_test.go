package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// TestMatchesState checks Read's fast path decision: it may skip the full
// read only when merging the listed endpoint would change nothing.
func TestMatchesState(t *testing.T) {
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	events := func(names ...string) tftypes.Value {
		var elems []tftypes.Value
		for _, n := range names {
			elems = append(elems, str(n))
		}
		return tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, elems)
	}
	state := func(change func(map[string]tftypes.Value)) map[string]tftypes.Value {
		attrs := map[string]tftypes.Value{
			"id": str("we_0123456789abcdef01234567"), "url": str("https://example.com/hook"),
			"description": str("d"), "subscribed_events": events("a", "b"),
			"active": tftypes.NewValue(tftypes.Bool, true), "created_at": str("c"), "updated_at": str("u"),
			"secret": str("whsec_x"),
		}
		if change != nil {
			change(attrs)
		}
		return attrs
	}
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
	tests := map[string]struct {
		endpoint retivo.Endpoint
		state    map[string]tftypes.Value
		want     bool
	}{
		"same":                      {listed(nil), state(nil), true},
		"events in another order":   {listed(func(e *retivo.Endpoint) { e.SubscribedEvents = []string{"b", "a", "b"} }), state(nil), true},
		"fields left out":           {listed(func(e *retivo.Endpoint) { e.Description, e.Active, e.UpdatedAt = nil, nil, "" }), state(nil), true},
		"url in an equivalent form": {listed(func(e *retivo.Endpoint) { e.URL = "https://EXAMPLE.com/hook" }), state(nil), true},
		"url changed":               {listed(func(e *retivo.Endpoint) { e.URL = "https://example.com/other" }), state(nil), false},
		"description changed":       {listed(func(e *retivo.Endpoint) { e.Description = retivo.String("") }), state(nil), false},
		"event added":               {listed(func(e *retivo.Endpoint) { e.SubscribedEvents = []string{"a", "b", "c"} }), state(nil), false},
		"event removed":             {listed(func(e *retivo.Endpoint) { e.SubscribedEvents = []string{"a"} }), state(nil), false},
		"paused":                    {listed(func(e *retivo.Endpoint) { e.Active = retivo.Bool(false) }), state(nil), false},
		"updated":                   {listed(func(e *retivo.Endpoint) { e.UpdatedAt = "u2" }), state(nil), false},
		"state without description": {listed(nil), state(func(a map[string]tftypes.Value) {
			a["description"] = tftypes.NewValue(tftypes.String, nil)
		}), false},
		"state without events": {listed(nil), state(func(a map[string]tftypes.Value) {
			a["subscribed_events"] = tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil)
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
