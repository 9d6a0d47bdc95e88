// Package retivo is a client for the Retivo outbound webhooks API.
//
// It knows nothing about Terraform: it speaks the API's JSON over HTTP, with
// typed requests and responses, and reports every failure as an *Error.
package retivo

import "encoding/json"

// Endpoint is a webhook endpoint as the API returns it.
//
// The reference does not promise that every answer carries every field (the
// create answer has no updated_at, the update answer no created_at), so the
// optional parts are pointers or may be empty: callers can tell "absent" from
// "empty" and keep what they already know for the absent ones.
type Endpoint struct {
	ID               string   `json:"id"`
	URL              string   `json:"url"`
	Description      *string  `json:"description,omitempty"`
	SubscribedEvents []string `json:"subscribed_events,omitempty"`
	Active           *bool    `json:"active,omitempty"`
	CreatedAt        string   `json:"created_at,omitempty"`
	UpdatedAt        string   `json:"updated_at,omitempty"`

	// Secret is the signing secret. Only the create answer carries it.
	Secret string `json:"secret,omitempty"`

	// Mode is ModeTest or ModeLive: the mode of the key of the client that
	// returned the endpoint, which fixes the mode of every endpoint it can
	// see. The API answers no such field; attr names the Terraform
	// attribute that holds it.
	Mode string `json:"-" attr:"mode"`
}

// CreateEndpointRequest is the body of POST /webhooks/endpoints.
type CreateEndpointRequest struct {
	URL              string    `json:"url"`
	Description      *string   `json:"description,omitempty"`
	SubscribedEvents *[]string `json:"subscribed_events,omitempty"`
	Active           *bool     `json:"active,omitempty"`
}

// UpdateEndpointRequest is the body of PUT /webhooks/endpoints/{id}.
//
// Every field is optional for the API. A nil field is left out of the body; a
// pointer to an empty value is sent explicitly ("" or []), which clears the
// field whether the server merges or replaces.
type UpdateEndpointRequest struct {
	URL              *string   `json:"url,omitempty"`
	Description      *string   `json:"description,omitempty"`
	SubscribedEvents *[]string `json:"subscribed_events,omitempty"`
	Active           *bool     `json:"active,omitempty"`
}

// TestResult is the outcome of a test delivery to an endpoint's URL.
type TestResult struct {
	// Success reports whether the receiver answered with a 2xx status.
	Success bool `json:"success"`
	// Status is the HTTP status the receiver answered, 0 when it did not answer.
	Status int `json:"status"`
	// StatusText is the receiver's status text.
	StatusText string `json:"status_text"`
	// Error describes why the delivery failed, empty on success.
	Error string `json:"error"`
}

// listEndpointsResponse is the list answer. The published reference has no
// pagination; the other fields are the signs an answer would show if the
// API ever paged (see partialListSign).
type listEndpointsResponse struct {
	Endpoints     *[]Endpoint     `json:"endpoints"`
	HasMore       json.RawMessage `json:"has_more"`
	Next          json.RawMessage `json:"next"`
	NextCursor    json.RawMessage `json:"next_cursor"`
	NextPage      json.RawMessage `json:"next_page"`
	NextPageToken json.RawMessage `json:"next_page_token"`
	NextURL       json.RawMessage `json:"next_url"`
}

type endpointResponse struct {
	Endpoint *Endpoint `json:"endpoint"`
}

type deleteResponse struct {
	Deleted *bool `json:"deleted"`
}

type testResponse struct {
	Test *TestResult `json:"test"`
}

type errorResponse struct {
	Error     string `json:"error"`
	UpgradeTo string `json:"upgrade_to"`
}

// String returns s as a pointer, for the optional fields of requests.
func String(s string) *string { return &s }

// Bool returns b as a pointer, for the optional fields of requests.
func Bool(b bool) *bool { return &b }

// Strings returns a pointer to a non-nil copy of s, so that an empty list is
// sent as [] rather than left out.
func Strings(s []string) *[]string {
	out := make([]string, len(s))
	copy(out, s)
	return &out
}
