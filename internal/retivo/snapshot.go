package retivo

import (
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultSnapshotMaxAge bounds how long a list snapshot is served.
const DefaultSnapshotMaxAge = 30 * time.Second

// The API has no "get one endpoint" call, so reading N endpoints naively costs
// N list calls of N objects each. The snapshot makes it one list call per
// provider process:
//
//   - Concurrent readers share one in-flight list call (singleflight) and its
//     result.
//   - Every create, update or delete made through this client bumps a write
//     generation. A snapshot is served only to readers of the generation it
//     was fetched in, and a flight is only joined by readers of the
//     generation it started in, so a read that follows a write always sees
//     the write.
//   - A snapshot older than maxAge is not served, so a long-lived process
//     does not hand out stale data.
type snapshotCache struct {
	maxAge time.Duration
	flight singleflight.Group

	mu         sync.Mutex
	generation uint64
	current    *Snapshot
	// observations counts list calls started; firstSeen maps every id seen
	// in a list answer to the observation that first saw it, and registered
	// holds the ids this process registered itself. Ambiguous-create
	// recovery uses them to tell its own orphans from everyone else's
	// endpoints.
	observations uint64
	firstSeen    map[string]uint64
	registered   map[string]struct{}
	listed       bool // a list has completed in this process
}

// Snapshot is the account's endpoints at one moment.
type Snapshot struct {
	Endpoints []Endpoint
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

func newSnapshot(endpoints []Endpoint, gen uint64, at time.Time) *Snapshot {
	byID := make(map[string]int, len(endpoints))
	for i, e := range endpoints {
		byID[e.ID] = i
	}
	return &Snapshot{Endpoints: endpoints, byID: byID, fetchedAt: at, gen: gen}
}

func newSnapshotCache(maxAge time.Duration) *snapshotCache {
	if maxAge <= 0 {
		maxAge = DefaultSnapshotMaxAge
	}
	return &snapshotCache{maxAge: maxAge, firstSeen: map[string]uint64{}, registered: map[string]struct{}{}}
}

// wrote records a write attempt, whatever its outcome: snapshots taken
// before it may be stale.
func (c *snapshotCache) wrote() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.current = nil
}

// created records an endpoint this process registered and got the secret of.
func (c *snapshotCache) created(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.current = nil
	c.registered[id] = struct{}{}
}

// observation starts a list observation and returns its number.
func (c *snapshotCache) observation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observations++
	return c.observations
}

// seen records the ids a list observation returned.
func (c *snapshotCache) seen(observation uint64, endpoints []Endpoint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.listed = true
	for _, e := range endpoints {
		if first, ok := c.firstSeen[e.ID]; !ok || observation < first {
			c.firstSeen[e.ID] = observation
		}
	}
}

// mayBeOrphanOf reports whether id may be an endpoint registered by a create
// that started after observation `since`: this process did not register it
// itself, and no list started before that create saw it.
func (c *snapshotCache) mayBeOrphanOf(id string, since uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ours := c.registered[id]; ours {
		return false
	}
	first, seen := c.firstSeen[id]
	return !seen || first > since
}

func (c *snapshotCache) fresh(now time.Time) (*Snapshot, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.current; s != nil && s.gen == c.generation && now.Sub(s.fetchedAt) < c.maxAge {
		return s, c.generation
	}
	return nil, c.generation
}

func (c *snapshotCache) store(s *Snapshot) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s.gen == c.generation {
		c.current = s
	}
}

// lastObservation is the number of the latest list observation started.
func (c *snapshotCache) lastObservation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.observations
}

func (c *snapshotCache) hasListed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.listed
}

// Endpoints returns the account's endpoints through the shared snapshot: at
// most one list call per write generation and age bound, however many
// callers ask at once.
func (c *Client) Endpoints(ctx context.Context) (*Snapshot, error) {
	if s, _ := c.snapshots.fresh(time.Now()); s != nil {
		return s, nil
	}
	_, gen := c.snapshots.fresh(time.Now())
	ch := c.snapshots.flight.DoChan(strconv.FormatUint(gen, 10), func() (any, error) {
		// The flight outlives any one caller: a caller that gives up must not
		// cancel the list for the others.
		endpoints, err := c.ListEndpoints(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		s := newSnapshot(endpoints, gen, time.Now())
		c.snapshots.store(s)
		return s, nil
	})
	select {
	case <-ctx.Done():
		return nil, &Error{Method: "GET", Path: endpointsPath, Err: ctx.Err()}
	case res := <-ch:
		if res.Err != nil {
			return nil, res.Err
		}
		s, _ := res.Val.(*Snapshot)
		return s, nil
	}
}

// FindEndpoint returns one endpoint by id through the shared snapshot.
func (c *Client) FindEndpoint(ctx context.Context, id string) (Endpoint, bool, error) {
	s, err := c.Endpoints(ctx)
	if err != nil {
		return Endpoint{}, false, err
	}
	e, ok := s.Find(id)
	return e, ok, nil
}
