package retivo

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// The API has no "get one endpoint" call, so reading N endpoints naively costs
// N list calls of N objects each. A client's snapshots make it one list call
// per refresh. Every reader says how fresh a list it needs (freshness), and
// one place (snapshots.acquire) decides whether the current snapshot or a
// list call already in flight is fresh enough, or a new call must start:
//
//   - Concurrent readers share one in-flight list call and its result. The
//     call runs under a context of its own that ends when the last caller
//     waiting for it has gone, so it lives as long as its longest-waiting
//     caller and no longer.
//   - Every create, update or delete made through the client bumps a write
//     generation. A snapshot or flight of an older generation does not
//     serve a reader, so a read that follows a write sees the write; only a
//     plan-time warning (RecentEndpoints) does with an older one.
//   - A snapshot older than the client's SnapshotMaxAge is not served, so a
//     long-lived process does not hand out stale data.
//   - An absence is confirmed before it is believed (FindEndpoint): a list
//     that misses an id is followed by one list call that started after it,
//     shared by every reader that missed an id in the same snapshot.
type snapshots struct {
	maxAge time.Duration
	now    func() time.Time

	mu         sync.Mutex
	generation uint64
	answered   uint64    // list answers stored so far; numbers the snapshots
	current    *Snapshot // the newest snapshot stored
	flight     *listFlight
}

// freshness is what a reader needs of a snapshot.
type freshness struct {
	// anyGeneration accepts a snapshot taken before this client's latest
	// writes.
	anyGeneration bool
	// startedAfter is the number of a snapshot the list call must have
	// started after: 0 accepts any.
	startedAfter uint64
}

// Snapshot is the account's endpoints at one moment: a list answer, indexed.
type Snapshot struct {
	Listing
	byID      map[string]int
	fetchedAt time.Time
	gen       uint64
	number    uint64 // the how-manyth list answer of the client it is
	after     uint64 // the number of the latest answer when its call started
}

// Find returns the endpoint with the given id.
func (s *Snapshot) Find(id string) (Endpoint, bool) {
	i, ok := s.byID[id]
	if !ok {
		return Endpoint{}, false
	}
	return s.Endpoints[i], true
}

func newSnapshots(maxAge time.Duration, now func() time.Time) *snapshots {
	return &snapshots{maxAge: maxAge, now: now}
}

// listFlight is one shared list call.
type listFlight struct {
	gen, after uint64
	started    time.Time
	ctx        context.Context
	cancel     context.CancelFunc
	waiters    int
	done       chan struct{} // closed when snap or err is set
	snap       *Snapshot
	err        error
}

func (s *snapshots) serves(snap *Snapshot, need freshness) bool {
	return snap != nil && (need.anyGeneration || snap.gen == s.generation) &&
		snap.after >= need.startedAfter && s.now().Sub(snap.fetchedAt) < s.maxAge
}

// acquire returns a snapshot fresh enough for need, or the flight to wait
// for (joined, or started: then start is true and the caller runs it).
func (s *snapshots) acquire(ctx context.Context, need freshness) (snap *Snapshot, f *listFlight, start bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.serves(s.current, need) {
		return s.current, nil, false
	}
	if f := s.flight; f != nil && f.waiters > 0 && (need.anyGeneration || f.gen == s.generation) && f.after >= need.startedAfter {
		f.waiters++
		return nil, f, false
	}
	flightCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.flight = &listFlight{gen: s.generation, after: s.answered, started: s.now(), ctx: flightCtx, cancel: cancel,
		waiters: 1, done: make(chan struct{})}
	return nil, s.flight, true
}

// finish records a flight's outcome and wakes its callers.
func (s *snapshots) finish(f *listFlight, listing Listing, err error) {
	s.mu.Lock()
	if err == nil {
		s.answered++
		f.snap = newSnapshot(listing, f.gen, s.answered, f.after, s.now())
		if s.current == nil || (f.gen >= s.current.gen && f.snap.after >= s.current.after) {
			s.current = f.snap
		}
	}
	if s.flight == f {
		s.flight = nil // a reader from now on starts anew or takes the snapshot, never this outcome
	}
	f.err = err
	s.mu.Unlock()
	close(f.done)
}

// leave ends a caller's wait; the last one to go ends the flight, and
// leave reports that it did.
func (s *snapshots) leave(f *listFlight) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.waiters--
	if f.waiters == 0 {
		f.cancel()
	}
	return f.waiters == 0
}

// latest is the newest snapshot stored, however old.
func (s *snapshots) latest() *Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.current
}

// wrote records a write attempt, whatever its outcome: snapshots taken
// before it may be stale.
func (s *snapshots) wrote() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.generation++
}

func newSnapshot(listing Listing, gen, number, after uint64, at time.Time) *Snapshot {
	byID := make(map[string]int, len(listing.Endpoints))
	for i, e := range listing.Endpoints {
		byID[e.ID] = i
	}
	return &Snapshot{Listing: listing, byID: byID, fetchedAt: at, gen: gen, number: number, after: after}
}

// endpoints is the one way the client reads the account's endpoints for its
// callers: through the snapshots, as fresh as need says.
func (c *Client) endpoints(ctx context.Context, need freshness) (*Snapshot, error) {
	snap, flight, start := c.snapshots.acquire(ctx, need)
	if snap != nil {
		return snap, nil
	}
	if start {
		go func() {
			listing, err := c.ListEndpoints(flight.ctx)
			c.snapshots.finish(flight, listing, err)
		}()
	}
	select {
	case <-flight.done:
		c.snapshots.leave(flight)
		return flight.snap, flight.err
	case <-ctx.Done():
	}
	err := ctx.Err()
	if c.snapshots.leave(flight) {
		// The flight ends with this caller: what it was doing (waiting out
		// a rate limit, say) tells more than the deadline alone.
		<-flight.done
		if apiErr, ok := AsError(flight.err); ok && apiErr.Kind() == KindRateLimited {
			return nil, apiErr.withCause(fmt.Errorf("%w while waiting out the rate limit", err))
		}
	}
	if c.pacer.limitedSince(flight.started) { // the flight goes on for others, waiting out a rate limit
		return nil, &Error{Method: http.MethodGet, Path: endpointsPath, RateLimited: true,
			Err: fmt.Errorf("%w while waiting out the rate limit", err), redactor: c.redactor}
	}
	return nil, &Error{Method: http.MethodGet, Path: endpointsPath, Err: err, redactor: c.redactor}
}

// Endpoints returns the account's endpoints: at most one list call per
// write generation and age bound, however many callers ask at once.
func (c *Client) Endpoints(ctx context.Context) (*Snapshot, error) {
	return c.endpoints(ctx, freshness{})
}

// RecentEndpoints is Endpoints for callers that can do with a snapshot
// taken before this client's latest writes, such as a plan-time warning:
// an apply that creates many endpoints then lists once, not once per create.
func (c *Client) RecentEndpoints(ctx context.Context) (*Snapshot, error) {
	return c.endpoints(ctx, freshness{anyGeneration: true})
}

// Lookup is the outcome of FindEndpoint.
type Lookup struct {
	Endpoint Endpoint
	Found    bool
	// LeftOut is how many endpoints the deciding list answer left out
	// because their id is unusable (see Listing): one of them may be the
	// endpoint looked for.
	LeftOut int
}

// FindEndpoint returns one endpoint by id through the client's snapshots. An
// id missing from a snapshot is looked up once more in a list call that
// started after that snapshot was taken (shared by every caller that missed
// an id in it), so that one lagging answer does not make an endpoint look
// deleted.
func (c *Client) FindEndpoint(ctx context.Context, id string) (Lookup, error) {
	snap, err := c.Endpoints(ctx)
	if err != nil {
		return Lookup{}, err
	}
	if e, ok := snap.Find(id); ok {
		return Lookup{Endpoint: e, Found: true}, nil
	}
	confirmed, err := c.endpoints(ctx, freshness{startedAfter: snap.number})
	if err != nil {
		return Lookup{}, err
	}
	e, ok := confirmed.Find(id)
	return Lookup{Endpoint: e, Found: ok, LeftOut: confirmed.LeftOut}, nil
}
