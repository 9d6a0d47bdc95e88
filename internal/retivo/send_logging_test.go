package retivo_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

type a3Logger struct {
	mu      sync.Mutex
	entries []string
}

func (l *a3Logger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.entries = append(l.entries, fmt.Sprintf("%s %v", msg, fields))
}

// Redirects: a GET to the same host is followed, a GET to another host and
// any POST are not (3xx reported, key not sent elsewhere).
func TestSend_redirects(t *testing.T) {
	other := newA3Server(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		a3JSON(w, 200, `{"endpoints":[]}`)
	})
	s := newA3Server(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/webhooks/endpoints":
			http.Redirect(w, r, "/moved/webhooks/endpoints", http.StatusTemporaryRedirect)
		case r.URL.Path == "/moved/webhooks/endpoints":
			http.Redirect(w, r, other.srv.URL+"/api/webhooks/endpoints", http.StatusFound)
		case r.Method == http.MethodPost:
			http.Redirect(w, r, "/moved/post", http.StatusTemporaryRedirect)
		}
	})
	c := s.client(t, retivo.Config{})
	_, err := c.ListEndpoints(context.Background())
	t.Logf("list: %v", err)
	if other.n(a3List) != 0 {
		t.Errorf("the key followed a redirect to another host")
	}
	if s.n("GET /moved/webhooks/endpoints") != 1 {
		t.Errorf("the same-host redirect was not followed")
	}
	if retivo.KindOf(err) == retivo.KindTransport {
		t.Errorf("a cross-host redirect reported as a transport error: %v", err)
	}
	_, err = c.TestEndpoint(context.Background(), "ep_1")
	t.Logf("test: %v", err)
	if s.n("POST /moved/post") != 0 || s.n("GET /moved/post") != 0 {
		t.Errorf("a POST redirect was followed")
	}
}

// An answer larger than MaxResponseBytes to a 429 ends the call at once
// instead of being waited out like any other 429.
func TestSend_largeRateLimitBodyEndsTheCall(t *testing.T) {
	s := newA3Server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			a3JSON(w, 429, `{"error":"`+strings.Repeat("x", 4096)+`"}`)
			return
		}
		a3JSON(w, 200, `{"endpoints":[]}`)
	})
	c := s.client(t, retivo.Config{MaxResponseBytes: 1024})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.ListEndpoints(ctx)
	t.Logf("%d requests; err %v (kind %v)", s.n(a3List), err, retivo.KindOf(err))
	if err != nil {
		t.Errorf("a 429 with a large body ended the call instead of being waited out: %v", err)
	}
}
