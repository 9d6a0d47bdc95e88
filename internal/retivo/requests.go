package retivo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const endpointsPath = "/webhooks/endpoints"

// ErrPartialList is the cause of the error for a list answer that says it
// holds only part of the account's endpoints.
var ErrPartialList = errors.New("the list answer is partial")

// ErrAnswerTooLarge is the cause of the error for an answer longer than
// Config.MaxResponseBytes: the client stops reading rather than let the
// size of an account exhaust memory.
var ErrAnswerTooLarge = errors.New("the answer is larger than the limit")

// Listing is one list answer: the account's endpoints with a valid id, and
// how many were left out because their id breaks the id rule (CheckID).
type Listing struct {
	Endpoints []Endpoint
	LeftOut   int
}

// ListEndpoints returns every endpoint of the account. A listed endpoint is
// whole: a description or subscribed_events that is null or missing is
// empty ("" or []).
func (c *Client) ListEndpoints(ctx context.Context) (Listing, error) {
	var out listEndpointsResponse
	status, err := c.send(ctx, listCall, http.MethodGet, endpointsPath, nil, &out)
	if err != nil {
		return Listing{}, err
	}
	if out.Endpoints == nil {
		return Listing{}, c.malformed(http.MethodGet, endpointsPath, status, errors.New(`the answer has no "endpoints" list`))
	}
	if sign := partialListSign(out); sign != "" {
		return Listing{}, c.malformed(http.MethodGet, endpointsPath, status, fmt.Errorf("%w: it carries %s, so more endpoints "+
			"follow; the API documents no pagination, and this provider reads the list in one call", ErrPartialList, sign))
	}
	listing, err := checkListing(*out.Endpoints, c.Mode())
	if err != nil {
		return Listing{}, c.malformed(http.MethodGet, endpointsPath, status, err)
	}
	c.creates.seen(listing.Endpoints)
	return listing, nil
}

// checkListing leaves out the endpoints whose id breaks the id rule, rejects
// an answer that lists one id twice (which copy is the endpoint?), reads
// null fields as empty, and gives each endpoint the key's mode.
func checkListing(endpoints []Endpoint, mode string) (Listing, error) {
	listing := Listing{Endpoints: make([]Endpoint, 0, len(endpoints))}
	seen := make(map[string]struct{}, len(endpoints))
	for _, e := range endpoints {
		if CheckID(e.ID) != nil {
			listing.LeftOut++
			continue
		}
		if _, dup := seen[e.ID]; dup {
			return Listing{}, fmt.Errorf("the list names endpoint %s twice", QuoteExcerpt(e.ID))
		}
		seen[e.ID] = struct{}{}
		emptyForNull(&e)
		e.Mode = mode
		listing.Endpoints = append(listing.Endpoints, e)
	}
	return listing, nil
}

// partialListSign names the field by which a list answer says it is partial:
// has_more true, or a non-empty cursor or next link. A field that is there
// with an empty or false value says nothing.
func partialListSign(r listEndpointsResponse) string {
	fields := []struct {
		name  string
		value json.RawMessage
	}{
		{"has_more", r.HasMore}, {"next", r.Next}, {"next_cursor", r.NextCursor}, {"next_page", r.NextPage},
		{"next_page_token", r.NextPageToken}, {"next_url", r.NextURL},
	}
	for _, f := range fields {
		switch strings.TrimSpace(string(f.value)) {
		case "", "null", "false", `""`, "0", "{}", "[]":
			continue
		}
		return fmt.Sprintf("%q: %s", f.name, excerpt(MaskKeyLike(string(f.value))))
	}
	return ""
}

// emptyForNull reads a null or missing description and subscribed_events of
// a listed endpoint as the empty value, as the API reference says to.
func emptyForNull(e *Endpoint) {
	if e.Description == nil {
		e.Description = String("")
	}
	if e.SubscribedEvents == nil {
		e.SubscribedEvents = []string{}
	}
}

// createOnce sends one create call (retried only where that is safe, see
// callKind). CreateEndpoint decides what happens after an unknown outcome.
func (c *Client) createOnce(ctx context.Context, req CreateEndpointRequest, key string) (*Endpoint, error) {
	if err := ctx.Err(); err != nil {
		// Nothing is sent for a caller that has gone, so nothing is ambiguous.
		return nil, &Error{Method: http.MethodPost, Path: endpointsPath, Err: err}
	}
	answered := c.creates.sending(key)
	defer answered()
	sentAfter := c.creates.lastObservation()
	var out endpointResponse
	status, err := c.send(ctx, createCall, http.MethodPost, endpointsPath, req, &out)
	c.snapshots.wrote()
	if err != nil {
		return nil, err
	}
	if out.Endpoint == nil || out.Endpoint.ID == "" {
		// The server said yes but the answer cannot be used: the endpoint
		// may exist, without a secret anyone knows.
		apiErr := c.malformed(http.MethodPost, endpointsPath, status, errNoCreateAnswer)
		apiErr.MayHaveCommitted = true
		return nil, apiErr
	}
	c.redactor.Add(out.Endpoint.Secret)
	if idErr := CheckID(out.Endpoint.ID); idErr != nil {
		// Not resent: the endpoint exists under an id this client will
		// never put in a request path.
		return nil, c.malformed(http.MethodPost, endpointsPath, status, fmt.Errorf("the new endpoint's id is not "+
			"usable (%w); the endpoint may exist on Retivo under that id: delete it there", idErr))
	}
	if err := c.claimCreated(out.Endpoint, req, sentAfter, status); err != nil {
		return nil, err
	}
	out.Endpoint.Mode = c.Mode()
	return out.Endpoint, nil
}

// UpdateEndpoint changes an endpoint. Fields left nil in req are not sent.
// An answer that describes another endpoint, or other values than the
// ones sent, is an error: it is not this update's result.
func (c *Client) UpdateEndpoint(ctx context.Context, id string, req UpdateEndpointRequest) (*Endpoint, error) {
	path, err := endpointPath(http.MethodPut, id)
	if err != nil {
		return nil, err
	}
	var out endpointResponse
	status, err := c.send(ctx, updateCall, http.MethodPut, path, req, &out)
	c.snapshots.wrote()
	if err != nil {
		return nil, err
	}
	if out.Endpoint == nil {
		// The change was accepted but the answer does not show the result
		// (an empty body, or one without the endpoint): callers keep what
		// they sent.
		return &Endpoint{ID: id, Mode: c.Mode()}, nil
	}
	problem := contradiction(*out.Endpoint, deref(req.URL, ""), req.Description, req.SubscribedEvents, req.Active)
	if out.Endpoint.ID != "" && out.Endpoint.ID != id {
		problem = "describes endpoint " + QuoteExcerpt(out.Endpoint.ID)
	}
	if problem != "" {
		return nil, c.malformed(http.MethodPut, path, status, fmt.Errorf("%w: the answer to the update of endpoint "+
			"%s %s, so it says nothing of whether endpoint %s changed", ErrAnswerMismatch, QuoteExcerpt(id), problem,
			QuoteExcerpt(id)))
	}
	out.Endpoint.ID, out.Endpoint.Mode = id, c.Mode()
	return out.Endpoint, nil
}

// DeleteEndpoint deletes an endpoint.
func (c *Client) DeleteEndpoint(ctx context.Context, id string) error {
	path, err := endpointPath(http.MethodDelete, id)
	if err != nil {
		return err
	}
	var out deleteResponse
	status, err := c.send(ctx, deleteCall, http.MethodDelete, path, nil, &out)
	c.snapshots.wrote()
	if err != nil {
		return err
	}
	if out.Deleted != nil && !*out.Deleted {
		return c.malformed(http.MethodDelete, path, status, errors.New(`the answer says "deleted": false`))
	}
	return nil
}

// TestEndpoint asks the service to send a test event to the endpoint's URL
// and reports how the delivery went. A failed delivery is not an error. The
// result's StatusText and Error are display texts: known secrets and
// anything token-like masked, control and bidi characters replaced
// (CleanText), at most 200 characters.
func (c *Client) TestEndpoint(ctx context.Context, id string) (*TestResult, error) {
	path, err := endpointPath(http.MethodPost, id)
	if err != nil {
		return nil, err
	}
	path += "/test"
	var out testResponse
	status, err := c.send(ctx, testCall, http.MethodPost, path, nil, &out)
	if err != nil {
		return nil, err
	}
	if out.Test == nil {
		return nil, c.malformed(http.MethodPost, path, status, errors.New(`the answer has no "test" object`))
	}
	// The receiver's answer is the server's text: it may quote a secret,
	// and it reaches a terminal (a result, a progress message, a
	// diagnostic) and a state. A receiver knows its endpoint's secret, which
	// this process may never have seen (a gate read in an apply), so
	// anything token-like is masked too.
	out.Test.StatusText = displayText(MaskTokenLike(c.redactor.Redact(out.Test.StatusText)))
	out.Test.Error = displayText(MaskTokenLike(c.redactor.Redact(out.Test.Error)))
	return out.Test, nil
}

// endpointPath is the path of one endpoint. An id that breaks the id rule
// is never put in a path: the call fails before anything is sent.
func endpointPath(method, id string) (string, error) {
	if err := CheckID(id); err != nil {
		return "", &Error{Method: method, Path: endpointsPath + "/{id}", Err: err}
	}
	return endpointsPath + "/" + url.PathEscape(id), nil
}

// malformed is the error for a 2xx answer that cannot be used, with the
// status the server really sent.
func (c *Client) malformed(method, path string, status int, why error) *Error {
	return &Error{Method: method, Path: path, StatusCode: status, Err: why, redactor: c.redactor}
}

// parseErrorBody turns a non-2xx answer into an *Error, whatever its body.
// Known sensitive values are masked before the text is cleaned up and cut,
// so that neither the cut nor the clean-up can leave a fragment unmasked.
// A JSON error text of a 4xx stays readable (it explains what to fix); the
// body of a server fault (any 5xx) and any body that is not JSON are shown
// with every token-like run masked, as they may dump secrets nobody told
// the client about.
func parseErrorBody(method, path string, status int, header http.Header, data []byte, redactor *Redactor, now time.Time) *Error {
	apiErr := &Error{Method: method, Path: path, StatusCode: status, redactor: redactor}
	if d, ok := parseRetryAfter(header.Get("Retry-After"), now); ok {
		apiErr.RetryAfter = d
	}
	serverFault := status >= 500
	var body errorResponse
	if err := json.Unmarshal(data, &body); err == nil && (body.Error != "" || body.UpgradeTo != "") {
		apiErr.Message = excerptJSONText(redactor.Redact(body.Error), serverFault)
		apiErr.UpgradeTo = excerptJSONText(redactor.Redact(body.UpgradeTo), serverFault)
		return apiErr
	}
	apiErr.NotJSON = true
	apiErr.Message = tokenFreeExcerpt(redactor.Redact(string(data)))
	return apiErr
}

// excerptJSONText keeps a server's error text readable and bounded; for a
// server fault, without anything token-like.
func excerptJSONText(s string, serverFault bool) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "<", "‹"), ">", "›")
	if serverFault {
		return tokenFreeExcerpt(s)
	}
	return excerpt(s)
}

func describeDecodeError(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Errorf("invalid JSON at byte %d", syntax.Offset)
	case errors.As(err, &typeErr):
		return fmt.Errorf("field %q has a %s where a %s was expected", typeErr.Field, typeErr.Value, typeErr.Type)
	default:
		return err
	}
}
