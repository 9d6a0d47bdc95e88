package localserver

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"sort"
	"time"
)

// Endpoint is an endpoint as the server stores it.
type Endpoint struct {
	ID               string    `json:"id"`
	URL              string    `json:"url"`
	Description      string    `json:"description"`
	SubscribedEvents []string  `json:"subscribed_events"`
	Active           bool      `json:"active"`
	Secret           string    `json:"secret"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	// Live is the mode the endpoint was made in: true for an rt_live_ key,
	// false for an rt_test_ key. A key only ever sees endpoints of its own
	// mode, as on the real service.
	Live bool `json:"live"`
	// seq orders the endpoints by creation.
	seq int64
}

func (e *Endpoint) clone() *Endpoint {
	c := *e
	c.SubscribedEvents = slices.Clone(e.SubscribedEvents)
	return &c
}

// store holds the endpoints; the Server's mutex guards it.
type store struct {
	endpoints map[string]*Endpoint
	seq       int64
	lastStamp time.Time
}

func newStore() *store {
	return &store{endpoints: map[string]*Endpoint{}}
}

// find returns the endpoint with this id if it belongs to the given mode;
// an endpoint of the other mode does not exist for the caller.
func (s *store) find(id string, live bool) (*Endpoint, bool) {
	e, ok := s.endpoints[id]
	if !ok || e.Live != live {
		return nil, false
	}
	return e, true
}

// inMode returns the endpoints of one mode in creation order.
func (s *store) inMode(live bool) []*Endpoint {
	var out []*Endpoint
	for _, e := range s.ordered() {
		if e.Live == live {
			out = append(out, e)
		}
	}
	return out
}

// ordered returns the endpoints in creation order.
func (s *store) ordered() []*Endpoint {
	out := make([]*Endpoint, 0, len(s.endpoints))
	for _, e := range s.endpoints {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// stamp returns the current time, strictly later than any stamp before, so
// updated_at moves on every update even within one clock tick.
func (s *store) stamp(now time.Time) time.Time {
	now = now.UTC().Truncate(time.Microsecond)
	if !now.After(s.lastStamp) {
		now = s.lastStamp.Add(time.Microsecond)
	}
	s.lastStamp = now
	return now
}

func newID() string {
	return "we_" + randomHex(12)
}

// newSecret returns a 256-bit signing secret.
func newSecret() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

// normalizeEvents drops duplicates, keeping the first occurrence. nil stays
// nil: an endpoint registered without subscribed_events has none at all,
// which the API answers as "subscribed_events": null (see render).
func normalizeEvents(events []string) []string {
	if events == nil {
		return nil
	}
	seen := map[string]bool{}
	out := make([]string, 0, len(events))
	for _, e := range events {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// scrambled returns events in an order that differs from the stored one, so
// clients that rely on order are caught.
func scrambled(events []string) []string {
	if events == nil {
		return nil
	}
	out := slices.Clone(events)
	slices.Reverse(out)
	return out
}

const timeFormat = "2006-01-02T15:04:05.000000Z07:00"
