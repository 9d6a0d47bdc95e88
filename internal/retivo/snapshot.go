package retivo

import (
	"context"
	"crypto/sha256"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// DefaultSnapshotMaxAge bounds how long a list snapshot is served.
const DefaultSnapshotMaxAge = 30 * time.Second

// flightTimeout bounds one shared list call, retries included.
const flightTimeout = 5 * time.Minute

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
	latest     *Snapshot // the last one fetched, whatever was written since
	// observations counts list calls started; firstSeen maps every id seen
	// in a list answer to the observation that first saw it, and registered
	// holds the ids this process registered itself. Ambiguous-create
	// recovery uses them to tell its own orphans from everyone else's
	// endpoints.
	observations uint64
	firstSeen    map[string]uint64
	registered   map[string]struct{}
	listed       bool // a list has completed in this process
	creates      createLocks
}

// Snapshot is the account's endpoints at one moment.
type Snapshot struct {
	Endpoints []Endpoint
	// LeftOut counts the endpoints of the list answer whose id breaks the
	// id rule (CheckID); they are not in Endpoints.
	LeftOut   int
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
	return &Snapshot{Endpoints: listing.Endpoints, LeftOut: listing.LeftOut, byID: byID, fetchedAt: at, gen: gen}
}

// accounts holds one cache per account (base URL and API key) for the whole
// process, so that two provider configurations (aliases) of one account
// share what they know: which endpoints they registered, which creates are
// in flight, and the write generation. A new client starts with no snapshot,
// so a new Terraform command never sees an older command's list.
var accounts = struct {
	sync.Mutex
	caches map[[32]byte]*snapshotCache
}{caches: map[[32]byte]*snapshotCache{}}

func accountCache(baseURL, apiKey string, maxAge time.Duration) *snapshotCache {
	key := sha256.Sum256([]byte(baseURL + "\x00" + apiKey))
	accounts.Lock()
	defer accounts.Unlock()
	c, ok := accounts.caches[key]
	if !ok {
		c = newSnapshotCache(maxAge)
		accounts.caches[key] = c
	}
	c.forget() // drop any snapshot an earlier client of this account left
	return c
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

// forget drops every snapshot, for a new client.
func (c *snapshotCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.current, c.latest = nil, nil
}

// created records an endpoint this process registered and got the secret of.
func (c *snapshotCache) created(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.current = nil
	c.registered[id] = struct{}{}
}

// seen records the ids a completed list answer returned, under the next
// observation number. Numbering at completion matters: a list that started
// before a create but was answered after it may include the create's
// endpoint, so it must not count as having seen it "before".
func (c *snapshotCache) seen(endpoints []Endpoint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observations++
	c.listed = true
	for _, e := range endpoints {
		if _, ok := c.firstSeen[e.ID]; !ok {
			c.firstSeen[e.ID] = c.observations
		}
	}
}

// mayBeOrphanOf reports whether id may be an endpoint registered by a create
// sent after observation `since`: this process did not register it itself,
// and no list answered before that create was sent saw it.
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
	c.latest = s
	if s.gen == c.generation {
		c.current = s
	}
}

func (c *snapshotCache) recent(now time.Time) *Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.latest; s != nil && now.Sub(s.fetchedAt) < c.maxAge {
		return s
	}
	return nil
}

// lastObservation is the number of the latest completed list observation.
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
		// cancel the list for the others. It has a deadline of its own so
		// that a stalled call cannot hold every later reader.
		flightCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flightTimeout)
		defer cancel()
		listing, err := c.ListEndpoints(flightCtx)
		if err != nil {
			return nil, err
		}
		s := newSnapshot(listing, gen, time.Now())
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

// RecentEndpoints is Endpoints for callers that can do with a snapshot
// taken before this client's latest writes, such as a plan-time warning: it
// serves the latest snapshot within the age bound whatever was written
// since, and lists only when there is none. An apply that creates many
// endpoints then lists once, not once per create.
func (c *Client) RecentEndpoints(ctx context.Context) (*Snapshot, error) {
	if s := c.snapshots.recent(time.Now()); s != nil {
		return s, nil
	}
	return c.Endpoints(ctx)
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
