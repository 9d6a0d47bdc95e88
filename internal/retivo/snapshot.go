package retivo

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// The API has no "get one endpoint" call, so reading N endpoints naively costs
// N list calls of N objects each. A client's snapshots make it one list call
// per refresh:
//
//   - Concurrent readers share one in-flight list call (singleflight) and its
//     result. The call runs under a context of its own that ends when the
//     last caller waiting for it has gone, so it lives as long as its
//     longest-waiting caller and no longer.
//   - Every create, update or delete made through the client bumps a write
//     generation. A snapshot is served only to readers of the generation it
//     was fetched in, and a flight is only joined by readers of the
//     generation it started in, so a read that follows a write always sees
//     the write.
//   - A snapshot older than the client's SnapshotMaxAge is not served, so a
//     long-lived process does not hand out stale data.
type snapshots struct {
	maxAge time.Duration
	calls  singleflight.Group

	mu         sync.Mutex
	generation uint64
	current    *Snapshot
	latest     *Snapshot // the last one fetched, whatever was written since
	flight     *listFlight
	flights    uint64 // numbers the flights, for their singleflight keys
}

// Snapshot is the account's endpoints at one moment: a list answer, indexed.
type Snapshot struct {
	Listing
	byID      map[string]int
	fetchedAt time.Time
	gen       uint64
}

// Find returns the endpoint with the given id.
func (s *Snapshot) Find(id string) (Endpoint, bool) {
	i, ok := s.byID[id]
	if !ok {
		return Endpoint{}, false
	}
	return s.Endpoints[i], true
}

func newSnapshot(listing Listing, gen uint64, at time.Time) *Snapshot {
	byID := make(map[string]int, len(listing.Endpoints))
	for i, e := range listing.Endpoints {
		byID[e.ID] = i
	}
	return &Snapshot{Listing: listing, byID: byID, fetchedAt: at, gen: gen}
}

func newSnapshots(maxAge time.Duration) *snapshots {
	return &snapshots{maxAge: maxAge}
}

// listFlight is one shared list call: its singleflight key, its context and
// how many callers wait for it.
type listFlight struct {
	key     string
	gen     uint64
	ctx     context.Context
	cancel  context.CancelFunc
	waiters int
}

// wrote records a write attempt, whatever its outcome: snapshots taken
// before it may be stale.
func (s *snapshots) wrote() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.generation++
	s.current = nil
}

// fresh returns the snapshot to serve now, if any, and the generation a new
// list call would belong to.
func (s *snapshots) fresh(now time.Time) (*Snapshot, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c := s.current; c != nil && c.gen == s.generation && now.Sub(c.fetchedAt) < s.maxAge {
		return c, s.generation
	}
	return nil, s.generation
}

func (s *snapshots) store(snap *Snapshot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latest = snap
	if snap.gen == s.generation {
		s.current = snap
	}
}

func (s *snapshots) recent(now time.Time) *Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.latest; l != nil && now.Sub(l.fetchedAt) < s.maxAge {
		return l
	}
	return nil
}

// join returns the flight of generation gen that still has callers waiting,
// or starts a new one whose context keeps ctx's values but not its deadline.
func (s *snapshots) join(ctx context.Context, gen uint64) *listFlight {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.flight; f != nil && f.gen == gen && f.waiters > 0 {
		f.waiters++
		return f
	}
	s.flights++
	flightCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.flight = &listFlight{key: strconv.FormatUint(s.flights, 10), gen: gen, ctx: flightCtx, cancel: cancel, waiters: 1}
	return s.flight
}

// leave ends a caller's wait; the last one to go ends the flight.
func (s *snapshots) leave(f *listFlight) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f.waiters--
	if f.waiters == 0 {
		f.cancel()
	}
}

// Endpoints returns the account's endpoints through the client's snapshot:
// at most one list call per write generation and age bound, however many
// callers ask at once.
func (c *Client) Endpoints(ctx context.Context) (*Snapshot, error) {
	snap, gen := c.snapshots.fresh(time.Now())
	if snap != nil {
		return snap, nil
	}
	flight := c.snapshots.join(ctx, gen)
	defer c.snapshots.leave(flight)
	ch := c.snapshots.calls.DoChan(flight.key, func() (any, error) {
		listing, err := c.ListEndpoints(flight.ctx)
		if err != nil {
			return nil, err
		}
		snap := newSnapshot(listing, gen, time.Now())
		c.snapshots.store(snap)
		return snap, nil
	})
	select {
	case <-ctx.Done():
		return nil, &Error{Method: http.MethodGet, Path: endpointsPath, Err: ctx.Err()}
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		snap, _ := res.Val.(*Snapshot)
		return snap, nil
	}
}

// RecentEndpoints is Endpoints for callers that can do with a snapshot
// taken before this client's latest writes, such as a plan-time warning: it
// serves the latest snapshot within the age bound whatever was written
// since, and lists only when there is none. An apply that creates many
// endpoints then lists once, not once per create.
func (c *Client) RecentEndpoints(ctx context.Context) (*Snapshot, error) {
	if snap := c.snapshots.recent(time.Now()); snap != nil {
		return snap, nil
	}
	return c.Endpoints(ctx)
}

// FindEndpoint returns one endpoint by id through the client's snapshot.
func (c *Client) FindEndpoint(ctx context.Context, id string) (Endpoint, bool, error) {
	snap, err := c.Endpoints(ctx)
	if err != nil {
		return Endpoint{}, false, err
	}
	e, ok := snap.Find(id)
	return e, ok, nil
}
