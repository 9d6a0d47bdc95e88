package localserver

import "fmt"

// This file is the in-process side door tests use to see and change the
// server's data "outside Terraform".

// Endpoints returns a copy of every stored endpoint, in creation order.
func (s *Server) Endpoints() []Endpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	ordered := s.store.ordered()
	out := make([]Endpoint, 0, len(ordered))
	for _, e := range ordered {
		out = append(out, *e.clone())
	}
	return out
}

// Endpoint returns a copy of one stored endpoint.
func (s *Server) Endpoint(id string) (Endpoint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.store.endpoints[id]
	if !ok {
		return Endpoint{}, false
	}
	return *e.clone(), true
}

// InsertEndpoint stores an endpoint as if it had been created through the
// API by someone else; ID, Secret and the timestamps are filled in when empty.
func (s *Server) InsertEndpoint(e Endpoint) Endpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.store.stamp(s.opts.Now())
	if e.ID == "" {
		e.ID = newID()
	}
	if e.Secret == "" {
		e.Secret = newSecret()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now
	}
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = e.CreatedAt
	}
	e.SubscribedEvents = normalizeEvents(e.SubscribedEvents)
	s.store.seq++
	e.seq = s.store.seq
	stored := e.clone()
	s.store.endpoints[e.ID] = stored
	_ = s.saveLocked() // a side door for tests, which use no state file
	return *stored.clone()
}

// ModifyEndpoint changes a stored endpoint in place and moves its updated_at.
func (s *Server) ModifyEndpoint(id string, change func(*Endpoint)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.store.endpoints[id]
	if !ok {
		return fmt.Errorf("no endpoint %q", id)
	}
	change(e)
	e.SubscribedEvents = normalizeEvents(e.SubscribedEvents)
	e.UpdatedAt = s.store.stamp(s.opts.Now())
	return s.saveLocked()
}

// RemoveEndpoint deletes a stored endpoint; it reports whether it existed.
func (s *Server) RemoveEndpoint(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.store.endpoints[id]
	delete(s.store.endpoints, id)
	_ = s.saveLocked() // a side door for tests, which use no state file
	return ok
}
