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
	ID               string
	URL              string
	Description      string
	SubscribedEvents []string
	Active           bool
	Secret           string
	CreatedAt        time.Time
	UpdatedAt        time.Time
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

// normalizeEvents drops duplicates, keeping the first occurrence.
func normalizeEvents(events []string) []string {
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
	out := slices.Clone(events)
	slices.Reverse(out)
	return out
}

const timeFormat = "2006-01-02T15:04:05.000000Z07:00"
