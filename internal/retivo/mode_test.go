package retivo_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

func TestKeyMode(t *testing.T) {
	for key, want := range map[string]string{
		"rt_test_0123456789": retivo.ModeTest,
		"rt_live_0123456789": retivo.ModeLive,
		"sk_live_0123456789": "",
		"":                   "",
	} {
		if got := retivo.KeyMode(key); got != want {
			t.Errorf("KeyMode of a %q key = %q, want %q", key[:min(len(key), 8)], got, want)
		}
	}
}

// Every endpoint the client returns carries its key's mode, whatever the
// answer says of one: the key's prefix fixes it, and no answer can move an
// endpoint to the other mode.
func TestClient_endpointsCarryTheKeysMode(t *testing.T) {
	const endpoint = `{"id": "we_0123456789abcdef01234567", "url": "https://example.com/h", "description": "",
		"subscribed_events": [], "active": true, "created_at": "2026-01-01T00:00:00Z", "mode": "test", "livemode": false}`
	var created atomic.Bool // the list holds the endpoint once it is created
	server := newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && !created.Load():
			jsonAnswer(http.StatusOK, `{"endpoints": []}`)(w, r)
		case r.Method == http.MethodGet:
			jsonAnswer(http.StatusOK, `{"endpoints": [`+endpoint+`]}`)(w, r)
		default:
			created.Store(true)
			jsonAnswer(http.StatusOK, `{"endpoint": `+endpoint+`}`)(w, r)
		}
	})
	client := server.client(t, retivo.Config{APIKey: "rt_live_0123456789abcdef"})
	if got := client.Mode(); got != retivo.ModeLive {
		t.Fatalf("Mode() = %q, want %q", got, retivo.ModeLive)
	}
	made, err := client.CreateEndpoint(t.Context(), retivo.CreateEndpointRequest{URL: "https://example.com/h",
		Description: retivo.String(""), SubscribedEvents: retivo.Strings([]string{}), Active: retivo.Bool(true)})
	if err != nil {
		t.Fatalf("CreateEndpoint: %v", err)
	}
	listing, err := client.ListEndpoints(t.Context())
	if err != nil || len(listing.Endpoints) != 1 {
		t.Fatalf("ListEndpoints: %v, %+v", err, listing)
	}
	updated, err := client.UpdateEndpoint(t.Context(), "we_0123456789abcdef01234567", retivo.UpdateEndpointRequest{})
	if err != nil {
		t.Fatalf("UpdateEndpoint: %v", err)
	}
	for what, e := range map[string]retivo.Endpoint{"listed": listing.Endpoints[0], "updated": *updated, "created": *made.Endpoint} {
		if e.Mode != retivo.ModeLive {
			t.Errorf("the %s endpoint's mode is %q, want %q (the key's)", what, e.Mode, retivo.ModeLive)
		}
	}
}
