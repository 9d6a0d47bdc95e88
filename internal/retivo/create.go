package retivo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// maxCreateRounds bounds how many times an ambiguous create is recovered and
// sent again.
const maxCreateRounds = 5

// CreateEndpoint registers an endpoint and returns it with its signing
// secret, which no other answer ever carries.
//
// Ambiguous creates. When a create may have reached the server but no answer
// came back (the connection dropped after the request was written, a timeout,
// a 502 or 504 from a gateway), the server may hold an endpoint whose secret
// nobody has: an orphan. Resending blindly could make a second one. Instead:
//
//  1. Before the client's first create, one list call records which
//     endpoints already exist (a refresh usually did this already). Every
//     list answer records the ids it saw, and every create answer the id it
//     registered, in the client's createRecords.
//  2. Creates of identical endpoints (same url, description, events, active)
//     are grouped by a per-fingerprint RWMutex: creates hold it shared while
//     in flight, recovery holds it exclusively, so recovery never runs while
//     an identical create of this client is still waiting for its answer.
//  3. Recovery lists the endpoints and deletes every one that matches the
//     request exactly, was not registered by this client (a registered one
//     belongs to a resource that has its secret), and was not seen by any
//     list answered before the ambiguous create was sent (an older one
//     belongs to someone else). Those are orphans of this client: without
//     a secret they are useless, so deleting them loses nothing.
//  4. The create is then sent again (after a transport failure or a gateway
//     error; a plain 500 is reported as it is), up to maxCreateRounds times,
//     and once one succeeds, step 3 runs one last time for an earlier
//     attempt the server may have committed late.
//
// A create already sent, and each recovery, may outlive a caller that has
// gone by up to GracePeriod.
//
// So after the apply the server holds exactly the endpoints in state, each
// with its secret. What this cannot tell apart: another program creating an
// identical endpoint (same url, description, events and active) in the
// moments between our baseline list and our recovery; and an attempt the
// server commits even later than the last look.
func (c *Client) CreateEndpoint(ctx context.Context, req CreateEndpointRequest) (*Created, error) {
	if err := c.ensureBaseline(ctx); err != nil {
		return nil, err
	}
	key := fingerprint(req)
	lock := c.creates.lock(key)
	// One grace period for every clean-up of this call: a cancelled apply
	// ends at most GracePeriod after the cancel, however many rounds ran.
	cleanupCtx, endCleanup := withGrace(ctx)
	defer endCleanup()
	var lastErr error
	var unattributed []string
	firstSince := c.creates.lastObservation()
	for range maxCreateRounds {
		since := c.creates.lastObservation()
		lock.RLock()
		created, err := c.createOnce(ctx, req)
		lock.RUnlock()
		if err == nil {
			result := &Created{Endpoint: created}
			if lastErr != nil {
				// An earlier attempt's endpoint may have been committed
				// after the recovery looked (a gateway timed out while the
				// server was still working): look once more. Whatever the
				// sweep did, the endpoint exists and this is the only copy
				// of its secret: it must reach the state.
				left, recErr := c.removeOrphans(cleanupCtx, key, lock, req, firstSince)
				unattributed = appendNew(unattributed, left...)
				result.CleanupErr = recErr
			}
			result.Unattributed = unattributed
			return result, nil
		}
		apiErr, ok := AsError(err)
		if !ok || !apiErr.MayHaveCommitted {
			return nil, err
		}
		lastErr = err
		c.creates.ambiguous(key, 1)
		left, recErr := c.removeOrphans(cleanupCtx, key, lock, req, since)
		if recErr != nil {
			return nil, fmt.Errorf("%w; the create may have registered an endpoint without its secret, and "+
				"removing it failed: %v", err, recErr)
		}
		unattributed = appendNew(unattributed, left...)
		if ctx.Err() != nil || !resendable(apiErr) {
			return nil, withUnattributed(err, unattributed)
		}
	}
	return nil, withUnattributed(fmt.Errorf("%w (the create's outcome was unknown %d times; any endpoints it may "+
		"have registered were removed)", lastErr, maxCreateRounds), unattributed)
}

// Created is a created endpoint, with its secret, and what the recovery of
// an ambiguous attempt could not settle.
type Created struct {
	*Endpoint
	// Unattributed are endpoints identical to this one (same url,
	// description, events and active) that an ambiguous attempt of this
	// client may have registered, but so may another program using the
	// same account: there were more of them than ambiguous attempts, so
	// recovery deleted none. Whoever owns them should check.
	Unattributed []string
	// CleanupErr says why the last look for an earlier attempt's endpoint
	// failed: one may be left on Retivo without its secret.
	CleanupErr error
}

// withUnattributed names the endpoints recovery left alone in err.
func withUnattributed(err error, ids []string) error {
	if len(ids) == 0 {
		return err
	}
	return fmt.Errorf("%w; endpoints identical to this one that an earlier attempt may have registered, or "+
		"another program using the same account: %s (not deleted, since they cannot be told apart; delete "+
		"the ones nobody manages through the Retivo API)", err, strings.Join(ids, ", "))
}

func appendNew(list []string, ids ...string) []string {
	for _, id := range ids {
		if !slices.Contains(list, id) {
			list = append(list, id)
		}
	}
	return list
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

// removeOrphans deletes the endpoints an ambiguous create of req may have
// registered. ctx is the create's clean-up context (withGrace), so that an
// apply cancelled or timed out mid-create still cleans up, within
// GracePeriod. When there are more
// candidates than this client has unsettled ambiguous attempts of the same
// endpoint, some belong to someone else (another workspace using the same
// key created an identical endpoint meanwhile) and there is no telling
// which: it deletes none and returns them. Deleting someone else's endpoint
// (and so rotating their secret) is worse than leaving an orphan.
func (c *Client) removeOrphans(ctx context.Context, key string, lock *sync.RWMutex, req CreateEndpointRequest, since uint64) ([]string, error) {
	lock.Lock()
	defer lock.Unlock()

	listing, err := c.ListEndpoints(ctx)
	if err != nil {
		return nil, err
	}
	var candidates []string
	for _, e := range listing.Endpoints {
		if matchesRequest(e, req) && c.creates.mayBeOrphanOf(e.ID, since) {
			candidates = append(candidates, e.ID)
		}
	}
	if len(candidates) > c.creates.ambiguous(key, 0) {
		return candidates, nil
	}
	var errs []error
	for _, id := range candidates {
		if err := c.DeleteEndpoint(ctx, id); err != nil && !IsNotFound(err) {
			errs = append(errs, fmt.Errorf("deleting orphan endpoint %s: %w", id, err))
			continue
		}
		c.creates.ambiguous(key, -1)
	}
	return nil, errors.Join(errs...)
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

// createRecords is a client's orphan bookkeeping. observations counts
// completed list answers; firstSeen maps every id seen in a list answer to
// the observation that first saw it, and ours holds the ids this client
// registered itself. Recovery uses them to tell its own orphans from
// everyone else's endpoints.
type createRecords struct {
	baselineMu sync.Mutex // one baseline list at a time

	mu           sync.Mutex
	observations uint64
	firstSeen    map[string]uint64
	ours         map[string]struct{}
	locks        map[string]*sync.RWMutex
	uncertain    map[string]int // unsettled ambiguous attempts, by fingerprint
}

func newCreateRecords() *createRecords {
	return &createRecords{firstSeen: map[string]uint64{}, ours: map[string]struct{}{},
		locks: map[string]*sync.RWMutex{}, uncertain: map[string]int{}}
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

// registered records an endpoint this client created and got the secret of.
func (r *createRecords) registered(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ours[id] = struct{}{}
}

// mayBeOrphanOf reports whether id may be an endpoint registered by a create
// sent after observation `since`: this client did not register it itself,
// and no list answered before that create was sent saw it.
func (r *createRecords) mayBeOrphanOf(id string, since uint64) bool {
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

// lock is the RWMutex of one create fingerprint.
func (r *createRecords) lock(key string) *sync.RWMutex {
	r.mu.Lock()
	defer r.mu.Unlock()
	m, ok := r.locks[key]
	if !ok {
		m = &sync.RWMutex{}
		r.locks[key] = m
	}
	return m
}

// ambiguous adds delta to the count of unsettled ambiguous attempts of the
// fingerprint key and returns the new count.
func (r *createRecords) ambiguous(key string, delta int) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.uncertain[key] = max(r.uncertain[key]+delta, 0)
	return r.uncertain[key]
}
