package localserver

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"time"
)

// maxHold bounds how long a request stays held (Fault.Hold) and how long
// WaitHeld waits when its context has no deadline, so that a test that
// forgets to release cannot hang a server's shutdown, or itself, forever. A
// request held this long goes on as if released.
const maxHold = 5 * time.Minute

// hold blocks a request until Release lets it go (true) or until its client
// goes away (false); either way it is no longer counted as held when it
// returns.
func (s *Server) hold(r *http.Request) bool {
	// The HTTP server notices that a client went away only once the request
	// body has been read to its end, so read it now and serve it from memory.
	bufferBody(r)
	release := make(chan struct{})
	s.mu.Lock()
	s.held = append(s.held, release)
	s.heldChangedLocked()
	s.mu.Unlock()

	timeout := time.NewTimer(maxHold)
	defer timeout.Stop()
	select {
	case <-release:
		return true // Release has already taken it off the list
	case <-r.Context().Done():
	case <-timeout.C:
	}
	s.mu.Lock()
	for i, c := range s.held {
		if c == release {
			s.held = append(s.held[:i], s.held[i+1:]...)
			s.heldChangedLocked()
			break
		}
	}
	s.mu.Unlock()
	return r.Context().Err() == nil
}

// heldChangedLocked wakes every WaitHeld; s.mu must be held.
func (s *Server) heldChangedLocked() {
	close(s.heldChanged)
	s.heldChanged = make(chan struct{})
}

// Held returns how many requests a Hold fault is holding now. A held request
// whose client went away is no longer counted.
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.held)
}

// WaitHeld blocks until at least n requests are being held, or returns an
// error when ctx ends first (after 5 minutes if ctx has no deadline).
func (s *Server) WaitHeld(ctx context.Context, n int) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, maxHold)
		defer cancel()
	}
	for {
		s.mu.Lock()
		held, changed := len(s.held), s.heldChanged
		s.mu.Unlock()
		if held >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d held requests, %d are held: %w", n, held, context.Cause(ctx))
		}
	}
}

// Release lets the n longest-held requests go on and returns how many it
// released (fewer when fewer are held).
func (s *Server) Release(n int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n = max(0, min(n, len(s.held)))
	for _, release := range s.held[:n] {
		close(release)
	}
	s.held = append(s.held[:0:0], s.held[n:]...)
	if n > 0 {
		s.heldChangedLocked()
	}
	return n
}

// ReleaseAll lets every held request go on and returns how many it released.
// Tests that hold requests should register it with t.Cleanup after the HTTP
// server's Close (cleanups run last first), since Close waits for every
// request in flight.
func (s *Server) ReleaseAll() int { return s.Release(math.MaxInt) }
