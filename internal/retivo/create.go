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

// maxCreateResends is how many times a create whose outcome is unknown is
// sent again. Each unknown attempt may have registered an endpoint whose
// secret nobody has (a leftover), and the API has no idempotency key that
// would let the client find out which endpoint a lost attempt made; so a
// resend trades the apply's success for at most one more leftover. One
// resend covers the common case (one dropped answer); a second covers a
// short flaky stretch; beyond that the server is not answering creates and
// the apply should stop and say so.
const maxCreateResends = 2

// CreateEndpoint registers an endpoint and returns it with its signing
// secret, which no other answer ever carries.
//
// The client never deletes, changes or adopts an endpoint it did not get
// from a create answer. When an attempt's outcome is unknown (the
// connection dropped after the request was written, a timeout, a 502 or 504
// from a gateway, a success answer that cannot be used), the server may hold
// an endpoint whose secret nobody has. Resending (at most maxCreateResends
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
// look for leftovers: one grace period for both, counted from the moment
// the caller went.
func (c *Client) CreateEndpoint(ctx context.Context, req CreateEndpointRequest) (*Created, error) {
	if err := c.ensureBaseline(ctx); err != nil {
		return nil, err
	}
	graced, endGrace := withGrace(ctx, c.clock)
	defer endGrace()
	key := fingerprint(req)
	firstSent := c.creates.lastObservation()
	unknown := 0
	for {
		created, err := c.createOnce(ctx, req, key)
		if err == nil {
			result := &Created{Endpoint: created, UnknownAttempts: unknown}
			if unknown > 0 {
				result.Leftovers, result.KnownIdentical, result.LeftoverLookupErr = c.leftovers(graced, req, key, firstSent)
			}
			return result, nil
		}
		apiErr, ok := AsError(err)
		if ok && apiErr.MayHaveCommitted {
			unknown++
		}
		give := !ok || !apiErr.MayHaveCommitted || ctx.Err() != nil || !resendable(apiErr) || unknown > maxCreateResends
		if !give {
			// A moment before resending, as after any fault; the caller's
			// deadline ends the wait like any other.
			give = c.clock.Sleep(ctx, backoff(c.retryWaitMin, c.retryWaitMax, unknown)) != nil
		}
		if give {
			if unknown == 0 {
				return nil, err
			}
			ids, _, lookupErr := c.leftovers(graced, req, key, firstSent)
			var otherwise *registeredOtherwise
			if errors.As(err, &otherwise) && !slices.Contains(ids, otherwise.id) {
				ids = append(ids, otherwise.id) // not identical to the request, so no list finds it
			}
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
	// KnownIdentical are the endpoints identical to this one that are not
	// leftovers of it: they existed before its first attempt, or a create
	// of this client returned them. A later look for a leftover that came
	// late leaves them out.
	KnownIdentical []string
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
	switch {
	case e.LookupErr != nil:
		return fmt.Sprintf("%v (%d attempt(s) with an unknown outcome; looking for what they left failed: %v)",
			e.Err, e.UnknownAttempts, e.LookupErr)
	case len(e.Leftovers) > 0:
		return fmt.Sprintf("%v (%d attempt(s) with an unknown outcome; possible leftovers: %s)",
			e.Err, e.UnknownAttempts, strings.Join(e.Leftovers, ", "))
	}
	return fmt.Sprintf("%v (%d attempt(s) with an unknown outcome; no leftover found)", e.Err, e.UnknownAttempts)
}

func (e *LeftoverError) Unwrap() error { return e.Err }

// leftovers lists the endpoints identical to req that are new since
// observation `since` (no list answered by then saw them, and no create of
// this client returned them): the possible leftovers of attempts sent after
// it. The other identical ones are returned as known. It first waits for
// this client's identical creates in flight, whose answers settle whose
// endpoints those are, and it confirms "none" with a second list, as a
// refresh confirms an absence. ctx is the create's grace context.
func (c *Client) leftovers(ctx context.Context, req CreateEndpointRequest, key string, since uint64) (leftovers, known []string, err error) {
	split := func(endpoints []Endpoint) {
		leftovers, known = nil, nil
		for _, id := range IdenticalEndpoints(endpoints, req, "") {
			if c.creates.newSince(id, since) {
				leftovers = append(leftovers, id)
			} else {
				known = append(known, id)
			}
		}
	}
	if err := c.creates.waitIdle(ctx, key); err != nil {
		return nil, nil, err
	}
	snap, err := c.Endpoints(ctx) // a list started after this create's last attempt was answered
	if err == nil {
		if split(snap.Endpoints); len(leftovers) == 0 {
			snap, err = c.endpoints(ctx, freshness{startedAfter: snap.number})
		}
	}
	if err != nil {
		if latest := c.snapshots.latest(); latest != nil {
			split(latest.Endpoints)
		}
		return nil, known, err
	}
	split(snap.Endpoints)
	return leftovers, known, nil
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
// before this client sends its first create. Concurrent first creates share
// one list call (see Client.Endpoints), each waiting no longer than its own
// deadline.
func (c *Client) ensureBaseline(ctx context.Context) error {
	if c.creates.hasListed() {
		return nil
	}
	_, err := c.Endpoints(ctx)
	return err
}

// claimCreated takes a create answer's endpoint as this create's own, unless
// the client knew its id before the create was sent (an endpoint that was
// already in the account, or one an earlier create returned) or the answer
// describes another endpoint than the request. Check and record are one
// step, so two creates answered with one id cannot both take it.
func (c *Client) claimCreated(e *Endpoint, req CreateEndpointRequest, sentAfter uint64, status int) error {
	if problem := contradiction(*e, req.URL, req.Description, req.SubscribedEvents, req.Active); problem != "" {
		// The server registered something under this id: a leftover,
		// named as one, but never taken into the state.
		apiErr := c.malformed(http.MethodPost, endpointsPath, status, &registeredOtherwise{id: e.ID,
			problem: problem})
		apiErr.MayHaveCommitted = true
		return apiErr
	}
	if !c.creates.claim(e.ID, sentAfter) {
		apiErr := c.malformed(http.MethodPost, endpointsPath, status, fmt.Errorf("%w: it names endpoint %s, which "+
			"existed before this create was sent; the id is not taken into the state", ErrAnswerMismatch, QuoteExcerpt(e.ID)))
		apiErr.MayHaveCommitted = true
		return apiErr
	}
	return nil
}

// registeredOtherwise is the cause of the error for a create answer that
// shows other values than the ones sent: the endpoint exists under id.
type registeredOtherwise struct {
	id, problem string
}

func (e *registeredOtherwise) Error() string {
	return fmt.Sprintf("%v: endpoint %s %s; it is not taken into the state", ErrAnswerMismatch, QuoteExcerpt(e.id),
		e.problem)
}

func (e *registeredOtherwise) Unwrap() error { return ErrAnswerMismatch }

// contradiction says how an answer's endpoint differs from what the request
// asked for, looking only at the fields the answer shows; "" when it does
// not. The url may come back in an equivalent form (SameURL).
func contradiction(e Endpoint, url string, description *string, events *[]string, active *bool) string {
	switch {
	case url != "" && e.URL != "" && !SameURL(url, e.URL):
		return fmt.Sprintf("has the url %s, not the one sent", QuoteExcerpt(e.URL))
	case description != nil && e.Description != nil && *e.Description != *description:
		return "has another description than the one sent"
	case events != nil && e.SubscribedEvents != nil && !sameSet(*events, e.SubscribedEvents):
		return "has other subscribed events than the ones sent"
	case active != nil && e.Active != nil && *e.Active != *active:
		return fmt.Sprintf("has active = %t, not %t as sent", *e.Active, *active)
	}
	return ""
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// fingerprint groups the creates of one client that would register
// identical endpoints, for waiting on each other's answers.
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

// matchesRequest reports whether e is what req would have registered: its
// url is req's (SameURL) and the other fields are equal, missing ones read
// as the API's defaults.
func matchesRequest(e Endpoint, req CreateEndpointRequest) bool {
	return SameURL(req.URL, e.URL) && deref(e.Description, "") == deref(req.Description, "") &&
		sameSet(e.SubscribedEvents, deref(req.SubscribedEvents, nil)) && deref(e.Active, true) == deref(req.Active, true)
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
	mu           sync.Mutex
	observations uint64
	firstSeen    map[string]uint64
	ours         map[string]struct{}
	inFlight     map[string]int           // creates waiting for an answer, by fingerprint
	idle         map[string]chan struct{} // closed when a fingerprint's last create in flight ends
}

func newCreateRecords() *createRecords {
	return &createRecords{firstSeen: map[string]uint64{}, ours: map[string]struct{}{},
		inFlight: map[string]int{}, idle: map[string]chan struct{}{}}
}

// sending records a create of fingerprint key on its way; the function it
// returns records its answer.
func (r *createRecords) sending(key string) (answered func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.inFlight[key]++
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.inFlight[key]--; r.inFlight[key] == 0 {
			delete(r.inFlight, key)
			if ch, ok := r.idle[key]; ok {
				close(ch)
				delete(r.idle, key)
			}
		}
	}
}

// waitIdle waits until no create of fingerprint key is in flight.
func (r *createRecords) waitIdle(ctx context.Context, key string) error {
	r.mu.Lock()
	if r.inFlight[key] == 0 {
		r.mu.Unlock()
		return nil
	}
	ch, ok := r.idle[key]
	if !ok {
		ch = make(chan struct{})
		r.idle[key] = ch
	}
	r.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
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

// claim records id as returned by a create sent after observation `since`,
// if it is new since then; it reports whether it was.
func (r *createRecords) claim(id string, since uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.newSinceLocked(id, since) {
		return false
	}
	r.ours[id] = struct{}{}
	return true
}

// newSince reports whether id is new since observation `since`: no create
// answer of this client returned it, and no list answered by then saw it.
func (r *createRecords) newSince(id string, since uint64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.newSinceLocked(id, since)
}

func (r *createRecords) newSinceLocked(id string, since uint64) bool {
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

// ErrAnswerMismatch is the cause of the error for a success answer that
// contradicts its request: it names another endpoint, or other values than
// the ones sent.
var ErrAnswerMismatch = errors.New("the answer does not match the request")
