package retivo

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// stubClient is a client whose every call gets the given answer.
func stubClient(t *testing.T, status int, body string) *Client {
	t.Helper()
	client, err := New(Config{BaseURL: "https://retivo.test/api", APIKey: "rt_test_stub_key",
		HTTPClient: &http.Client{Transport: stubTransport{status: status, body: []byte(body)}}})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// A list answer that says more endpoints follow fails clearly: treating the
// missing ones as deleted would recreate them. A pagination field that is
// there with an empty or false value says nothing.
func TestListEndpoints_partialAnswers(t *testing.T) {
	const endpoints = `"endpoints": [{"id": "we_1", "url": "https://a.example"}]`
	tests := map[string]struct {
		extra   string
		partial string // the field the error names; "" for a complete list
	}{
		"no pagination field":  {extra: ``},
		"has_more false":       {extra: `, "has_more": false`},
		"has_more null":        {extra: `, "has_more": null`},
		"empty next_cursor":    {extra: `, "next_cursor": ""`},
		"null next link":       {extra: `, "next": null`},
		"empty next_page":      {extra: `, "next_page": {}`},
		"has_more true":        {extra: `, "has_more": true`, partial: `"has_more": true`},
		"a next_cursor":        {extra: `, "has_more": false, "next_cursor": "c_42"`, partial: `"next_cursor": "c_42"`},
		"a next link":          {extra: `, "next": "https://retivo.ai/api/webhooks/endpoints?page=2"`, partial: `"next"`},
		"a next_page number":   {extra: `, "next_page": 2`, partial: `"next_page": 2`},
		"a next_page_token":    {extra: `, "next_page_token": "t"`, partial: `"next_page_token"`},
		"a next_url":           {extra: `, "next_url": "/webhooks/endpoints?after=we_1"`, partial: `"next_url"`},
		"an object next link":  {extra: `, "next": {"href": "/x"}`, partial: `"next"`},
		"has_more as a string": {extra: `, "has_more": "yes"`, partial: `"has_more"`},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := stubClient(t, 200, `{`+endpoints+tc.extra+`}`).ListEndpoints(context.Background())
			if tc.partial == "" {
				if err != nil || len(got.Endpoints) != 1 {
					t.Fatalf("a complete list: %v, %v", got, err)
				}
				return
			}
			if !errors.Is(err, ErrPartialList) {
				t.Fatalf("want ErrPartialList, got %v", err)
			}
			for _, want := range []string{"only part of the list", tc.partial, "no pagination"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
			if KindOf(err) != KindMalformedResponse {
				t.Errorf("kind %v", KindOf(err))
			}
		})
	}
}

// A listed endpoint whose description or subscribed_events is null (or
// missing) has the empty value, as the API reference says.
func TestListEndpoints_nullIsEmpty(t *testing.T) {
	body := `{"endpoints": [
		{"id": "we_null", "url": "https://a.example", "description": null, "subscribed_events": null, "active": true},
		{"id": "we_missing", "url": "https://b.example", "active": false},
		{"id": "we_full", "url": "https://c.example", "description": "d", "subscribed_events": ["x"], "active": true}]}`
	listing, err := stubClient(t, 200, body).ListEndpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := listing.Endpoints
	for _, e := range got[:2] {
		if e.Description == nil || *e.Description != "" || e.SubscribedEvents == nil || len(e.SubscribedEvents) != 0 {
			t.Errorf("%s: description %v, events %#v; want \"\" and []", e.ID, e.Description, e.SubscribedEvents)
		}
	}
	if *got[2].Description != "d" || len(got[2].SubscribedEvents) != 1 {
		t.Errorf("a full endpoint changed: %+v", got[2])
	}
}
