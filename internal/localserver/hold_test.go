package localserver_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// startHolding starts a server whose held requests are released when the
// test ends, before the HTTP server's Close waits for them.
func startHolding(t *testing.T, f localserver.Fault) (*localserver.Server, call) {
	t.Helper()
	s, c := start(t, localserver.Options{})
	t.Cleanup(func() { s.ReleaseAll() })
	s.AddFault(f)
	return s, c
}

func TestServer_holdThenReleaseServesNormally(t *testing.T) {
	s, c := startHolding(t, localserver.Fault{Route: localserver.RouteCreate, Hold: true})
	results := make(chan int, 1)
	go func() { results <- post(c, `{"url": "https://held.example"}`) }()
	waitHeld(t, s, 1)
	if n := len(s.Endpoints()); n != 0 {
		t.Errorf("%d endpoints while the create is held, want 0", n)
	}
	if n := s.Release(1); n != 1 {
		t.Errorf("Release(1) = %d, want 1", n)
	}
	if status := receive(t, results); status != 201 {
		t.Errorf("released create: %d, want 201", status)
	}
	if n := len(s.Endpoints()); n != 1 {
		t.Errorf("%d endpoints after the release, want 1", n)
	}
	if n := s.Held(); n != 0 {
		t.Errorf("Held() = %d after the release", n)
	}
}

func TestServer_holdThenDropWithoutCommit(t *testing.T) {
	s, c := startHolding(t, localserver.Fault{Route: localserver.RouteCreate, Hold: true, DropWithoutCommit: true})
	results := make(chan int, 1)
	go func() { results <- post(c, `{"url": "https://dropped.example"}`) }()
	waitHeld(t, s, 1)
	s.Release(1)
	if status := receive(t, results); status != 0 {
		t.Errorf("the create answered %d, want a dropped connection", status)
	}
	if n := len(s.Endpoints()); n != 0 {
		t.Errorf("%d endpoints, want none stored", n)
	}
}

func TestServer_waitHeld(t *testing.T) {
	s, c := startHolding(t, localserver.Fault{Route: localserver.RouteList, Hold: true})
	results := make(chan int, 3)
	for range 3 {
		go func() {
			status, _ := c.do("GET", "/webhooks/endpoints", key, "")
			results <- status
		}()
	}
	waitHeld(t, s, 3)
	if n := s.Held(); n != 3 {
		t.Errorf("Held() = %d, want 3", n)
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.WaitHeld(ended, 4); err == nil {
		t.Error("WaitHeld for more than are held returned no error when its context ended")
	}
	if n := s.ReleaseAll(); n != 3 {
		t.Errorf("ReleaseAll() = %d, want 3", n)
	}
	for range 3 {
		if status := receive(t, results); status != 200 {
			t.Errorf("released list: %d, want 200", status)
		}
	}
	if n := s.ReleaseAll(); n != 0 {
		t.Errorf("a second ReleaseAll() = %d, want 0", n)
	}
}

// A held request whose client goes away stops being held: its handler
// returns and it is neither counted nor released later.
func TestServer_heldRequestWhoseClientLeaves(t *testing.T) {
	s := localserver.New(localserver.Options{APIKeys: []string{key}})
	s.AddFault(localserver.Fault{Route: localserver.RouteCreate, Hold: true})
	handled := make(chan struct{}, 1)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.ServeHTTP(w, r)
		handled <- struct{}{}
	}))
	t.Cleanup(ts.Close)
	t.Cleanup(func() { s.ReleaseAll() }) // runs first: Close waits for held requests

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+s.PathPrefix()+"/webhooks/endpoints", strings.NewReader(`{"url": "https://gone.example"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	errs := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		errs <- err
	}()
	waitHeld(t, s, 1)
	cancel()
	if err := receive(t, errs); err == nil {
		t.Error("the cancelled request got an answer")
	}
	select {
	case <-handled:
	case <-time.After(30 * time.Second):
		t.Fatal("the held request's handler did not return within 30s of its client leaving")
	}
	if n := s.Held(); n != 0 {
		t.Errorf("Held() = %d after the client left, want 0", n)
	}
	if n := s.Release(1); n != 0 {
		t.Errorf("Release(1) = %d after the client left, want 0", n)
	}
	if n := len(s.Endpoints()); n != 0 {
		t.Errorf("%d endpoints, want none stored", n)
	}
}

func TestServer_dropWithoutCommit(t *testing.T) {
	s, c := start(t, localserver.Options{})
	s.AddFault(localserver.Fault{Route: localserver.RouteCreate, DropWithoutCommit: true, Times: 1})
	if status := post(c, `{"url": "https://a.example"}`); status != 0 {
		t.Errorf("the create answered %d, want a dropped connection", status)
	}
	if n := len(s.Endpoints()); n != 0 {
		t.Errorf("%d endpoints, want none stored", n)
	}
	if status := post(c, `{"url": "https://a.example"}`); status != 201 {
		t.Errorf("the next create: %d, want 201", status)
	}
}
