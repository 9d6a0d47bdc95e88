package retivo_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// Redirects: a GET to the same host is followed, a GET to another host and
// any POST are not (3xx reported, key not sent elsewhere).
func TestSend_redirects(t *testing.T) {
	other := newA3Server(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		jsonAnswer(200, `{"endpoints":[]}`)(w, nil)
	})
	s := newA3Server(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/api/webhooks/endpoints":
			http.Redirect(w, r, "/moved/webhooks/endpoints", http.StatusTemporaryRedirect)
		case r.URL.Path == "/moved/webhooks/endpoints":
			http.Redirect(w, r, other.server.URL+"/api/webhooks/endpoints", http.StatusFound)
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

// A 429 whose answer is larger than MaxResponseBytes is waited out like any
// other 429: its status decides.
func TestSend_largeRateLimitBodyIsWaitedOut(t *testing.T) {
	s := newA3Server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			jsonAnswer(429, `{"error":"`+strings.Repeat("x", 4096)+`"}`)(w, nil)
			return
		}
		jsonAnswer(200, `{"endpoints":[]}`)(w, nil)
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
