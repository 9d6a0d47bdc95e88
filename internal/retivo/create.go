package retivo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// MaxCreateResends is how many times a create whose outcome is unknown is
// sent again. Each unknown attempt may have registered an endpoint whose
// secret nobody has (a leftover), and the API has no idempotency key that
// would let the client find out which endpoint a lost attempt made; so a
// resend trades the apply's success for at most one more leftover. One
// resend covers the common case (one dropped answer); a second covers a
// short flaky stretch; beyond that the server is not answering creates and
// the apply should stop and say so.
const MaxCreateResends = 2

// CreateEndpoint registers an endpoint and returns it with its signing
// secret, which no other answer ever carries.
//
// The client never deletes, changes or adopts an endpoint it did not get
// from a create answer. When an attempt's outcome is unknown (the
// connection dropped after the request was written, a timeout, a 502 or 504
// from a gateway, a success answer that cannot be used), the server may hold
// an endpoint whose secret nobody has. Resending (at most MaxCreateResends
// times) may add another. Such endpoints are only named: once the create is
// settled, one list call finds the endpoints identical to the request
// that no list saw before the first unknown attempt and that no create of
// this client returned; the result's Leftovers (or the error) names them.
// Another program creating an identical endpoint meanwhile would be named
// too: the names are candidates, never deleted.
//
// Before the client's first create, one list call records which endpoints
// already exist (a refresh usually made it already): a create answer that
// names one of them, or an endpoint an earlier create of this client
// returned, is not believed.
//
// A create already sent may outlive a caller that has gone by up to
// GracePeriod (its answer is the only copy of the secret), and so may the
// list call that names leftovers.
func (c *Client) CreateEndpoint(ctx context.Context, req CreateEndpointRequest) (*Created, error) {
	if err := c.ensureBaseline(ctx); err != nil {
		return nil, err
	}
	firstSent := c.creates.lastObservation()
	unknown := 0
	for {
		created, err := c.createOnce(ctx, req)
		if err == nil {
			result := &Created{Endpoint: created, UnknownAttempts: unknown}
			if unknown > 0 {
				result.Leftovers, result.LeftoverLookupErr = c.leftovers(ctx, req, firstSent)
			}
			return result, nil
		}
		apiErr, ok := AsError(err)
		if ok && apiErr.MayHaveCommitted {
			unknown++
		}
		if !ok || !apiErr.MayHaveCommitted || ctx.Err() != nil || !resendable(apiErr) || unknown > MaxCreateResends {
			if unknown == 0 {
				return nil, err
			}
			ids, lookupErr := c.leftovers(ctx, req, firstSent)
			return nil, &LeftoverError{Err: err, UnknownAttempts: unknown, Leftovers: ids, LookupErr: lookupErr}
		}
	}
}

// Created is a created endpoint, with its secret, and what the attempts
// whose outcome was unknown may have left.
type Created struct {
	*Endpoint
	// UnknownAttempts is how many attempts before the one that succeeded
	// may have registered an endpoint nobody has the secret of.
	UnknownAttempts int
	// Leftovers are the endpoints identical to this one that those attempts
	// may have registered (see CreateEndpoint).
	Leftovers []string
	// LeftoverLookupErr says why the look for them failed.
	LeftoverLookupErr error
}

// LeftoverError is a failed create some of whose attempts may have
// registered an endpoint: Leftovers names the candidates.
type LeftoverError struct {
	Err             error
	UnknownAttempts int
	Leftovers       []string
	LookupErr       error
}

func (e *LeftoverError) Error() string {
	return fmt.Sprintf("%v (%d attempt(s) whose outcome is unknown; %s)", e.Err, e.UnknownAttempts,
		DescribeLeftovers(e.Leftovers, e.LookupErr))
}

func (e *LeftoverError) Unwrap() error { return e.Err }

// DescribeLeftovers says, in a sentence, which endpoints attempts whose
// outcome was unknown may have left, and what to do about them.
func DescribeLeftovers(ids []string, lookupErr error) string {
	switch {
	case lookupErr != nil:
		return fmt.Sprintf("looking for endpoints they may have left failed (%v); the next plan names any "+
			"endpoint identical to a configured one that is not in the state", lookupErr)
	case len(ids) == 0:
		return "none is on Retivo now; if one appears later, the next plan names it"
	}
	return fmt.Sprintf("Retivo now holds identical endpoint(s) that no earlier list showed: %s. Nobody knows "+
		"their signing secret: delete them through the Retivo API, or import them and replace them to get a new "+
		"secret. Another program creating an identical endpoint at the same moment would be named too, so they "+
		"were not deleted", strings.Join(ids, ", "))
}

// leftovers lists the endpoints identical to req that no list answered
// before observation `since` saw and no create of this client returned. It
// runs under a grace context: the caller may have gone (see GracePeriod).
func (c *Client) leftovers(ctx context.Context, req CreateEndpointRequest, since uint64) ([]string, error) {
	graced, cancel := withGrace(ctx)
	defer cancel()
	listing, err := c.ListEndpoints(graced)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(IdenticalEndpoints(listing.Endpoints, req, ""), func(id string) bool {
		return !c.creates.newSince(id, since)
	}), nil
}

// IdenticalEndpoints returns the ids of the endpoints that req would
// duplicate (same url, description, events and active), but for the one
// with id except. It is the one test of "identical" behind every leftover
// and duplicate warning.
func IdenticalEndpoints(endpoints []Endpoint, req CreateEndpointRequest, except string) []string {
	var ids []string
	for _, e := range endpoints {
		if e.ID != except && matchesRequest(e, req) {
			ids = append(ids, e.ID)
		}
	}
	return ids
}

// ensureBaseline makes sure a list call has recorded the existing endpoints
// before this client sends its first create.
func (c *Client) ensureBaseline(ctx context.Context) error {
	if c.creates.hasListed() {
		return nil
	}
	c.creates.baselineMu.Lock()
	defer c.creates.baselineMu.Unlock()
	if c.creates.hasListed() {
		return nil
	}
	_, err := c.Endpoints(ctx)
	return err
}

// checkCreatedID refuses a create answer whose id the client knew before the
// create was sent: an endpoint that was already in the account, or one an
// earlier create returned. The endpoint the create registered, if any, is
// then unknown.
func (c *Client) checkCreatedID(id string, sentAfter uint64, status int) error {
	if c.creates.newSince(id, sentAfter) {
		return nil
	}
	apiErr := c.malformed(http.MethodPost, endpointsPath, status, fmt.Errorf("the create answer names endpoint %s, "+
		"which existed before this create was sent: the answer is not for this create, and the id is not "+
		"taken into the state", QuoteExcerpt(id)))
	apiErr.MayHaveCommitted = true
	return apiErr
}

// fingerprint identifies what a create registers.
func fingerprint(req CreateEndpointRequest) string {
	var events []string
	if req.SubscribedEvents != nil {
		events = slices.Sorted(slices.Values(*req.SubscribedEvents))
		events = slices.Compact(events)
	}
	return strings.Join([]string{
		urlKey(req.URL), deref(req.Description, ""), strings.Join(events, "\x1f"),
		strconv.FormatBool(deref(req.Active, true)),
	}, "\x1e")
}

// matchesRequest reports whether e is what req would have registered.
func matchesRequest(e Endpoint, req CreateEndpointRequest) bool {
	got := CreateEndpointRequest{URL: e.URL, Description: e.Description, Active: e.Active}
	if e.SubscribedEvents != nil {
		got.SubscribedEvents = &e.SubscribedEvents
	}
	return fingerprint(got) == fingerprint(req)
}

func deref[T any](p *T, fallback T) T {
	if p == nil {
		return fallback
	}
	return *p
}

// createRecords is what a client knows of the account's endpoints for
// judging create answers: observations counts completed list answers,
// firstSeen maps every id seen in a list answer to the observation that
// first saw it, and ours holds the ids create answers returned.
type createRecords struct {
	baselineMu sync.Mutex // one baseline list at a time

	mu           sync.Mutex
	observations uint64
	firstSeen    map[string]uint64
	ours         map[string]struct{}
}

func newCreateRecords() *createRecords {
	return &createRecords{firstSeen: map[string]uint64{}, ours: map[string]struct{}{}}
}

// seen records the ids a completed list answer returned, under the next
// observation number. Numbering at completion matters: a list that started
// before a create but was answered after it may include the create's
// endpoint, so it must not count as having seen it "before".
func (r *createRecords) seen(endpoints []Endpoint) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.observations++
	for _, e := range endpoints {
		if _, ok := r.firstSeen[e.ID]; !ok {
			r.firstSeen[e.ID] = r.observations
		}
	}
}

// registered records an endpoint a create answer returned.
func (r *createRecords) registered(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ours[id] = struct{}{}
}

// newSince reports whether id is new since observation `since`: no create
// answer of this client returned it, and no list answered by then saw it.
func (r *createRecords) newSince(id string, since uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ours := r.ours[id]; ours {
		return false
	}
	first, seen := r.firstSeen[id]
	return !seen || first > since
}

// lastObservation is the number of the latest completed list answer.
func (r *createRecords) lastObservation() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.observations
}

func (r *createRecords) hasListed() bool {
	return r.lastObservation() > 0
}

// errNoCreateAnswer is the cause of a success answer to a create that does
// not show the new endpoint.
var errNoCreateAnswer = errors.New(`the answer has no "endpoint" object with an id`)
