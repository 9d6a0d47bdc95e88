package retivo_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// hostileServer answers every request with the handler's answer and records
// the raw request lines it got, on 127.0.0.1.
type hostileServer struct {
	mu       sync.Mutex
	requests []string
	server   *httptest.Server
}

func newHostileServer(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *hostileServer {
	t.Helper()
	h := &hostileServer{}
	h.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.requests = append(h.requests, r.Method+" "+r.URL.EscapedPath())
		h.mu.Unlock()
		answer(w, r)
	}))
	t.Cleanup(h.server.Close)
	return h
}

func (h *hostileServer) client(t *testing.T, cfg retivo.Config) *retivo.Client {
	t.Helper()
	cfg.BaseURL = h.server.URL + "/api"
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 10*time.Millisecond
	client, err := retivo.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func (h *hostileServer) requestLines() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.requests...)
}

func jsonAnswer(status int, body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// A create answer with a dot-segment id is rejected, and no later call ever
// puts such an id in a path.
func TestClient_dotSegmentIDsNeverReachAPath(t *testing.T) {
	for _, id := range []string{"..", ".", "a/b", "%2e%2e"} {
		t.Run(id, func(t *testing.T) {
			h := newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					jsonAnswer(200, `{"endpoints": []}`)(w, r)
					return
				}
				jsonAnswer(201, `{"endpoint": {"id": "`+id+`", "url": "https://example.com/h", "secret": "whsec_0123456789abcdef"}}`)(w, r)
			})
			client := h.client(t, retivo.Config{})
			ctx := context.Background()
			_, err := client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/h"})
			if !errors.Is(err, retivo.ErrInvalidID) {
				t.Errorf("create answered with id %q: %v, want ErrInvalidID", id, err)
			}
			if _, err := client.UpdateEndpoint(ctx, id, retivo.UpdateEndpointRequest{}); !errors.Is(err, retivo.ErrInvalidID) {
				t.Errorf("update of %q: %v", id, err)
			}
			if err := client.DeleteEndpoint(ctx, id); !errors.Is(err, retivo.ErrInvalidID) {
				t.Errorf("delete of %q: %v", id, err)
			}
			if _, err := client.TestEndpoint(ctx, id); !errors.Is(err, retivo.ErrInvalidID) {
				t.Errorf("test of %q: %v", id, err)
			}
			for _, line := range h.requestLines() {
				if line != "GET /api/webhooks/endpoints" && line != "POST /api/webhooks/endpoints" {
					t.Errorf("the server got %q", line)
				}
			}
		})
	}
}

// A list answer: endpoints with an invalid id are left out and counted; an
// id listed twice is an error.
func TestClient_listAnswerIDs(t *testing.T) {
	h := newHostileServer(t, jsonAnswer(200, `{"endpoints": [
		{"id": "we_1", "url": "https://a.example/h"},
		{"id": "..", "url": "https://b.example/h"},
		{"id": "we 2", "url": "https://c.example/h"},
		{"id": "we_3", "url": "https://d.example/h"}]}`))
	listing, err := h.client(t, retivo.Config{}).ListEndpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(listing.Endpoints) != 2 || listing.Endpoints[0].ID != "we_1" || listing.Endpoints[1].ID != "we_3" || listing.LeftOut != 2 {
		t.Errorf("listing %+v", listing)
	}

	dup := newHostileServer(t, jsonAnswer(200, `{"endpoints": [
		{"id": "we_1", "url": "https://a.example/h"},
		{"id": "we_1", "url": "https://b.example/h"}]}`))
	_, err = dup.client(t, retivo.Config{}).ListEndpoints(context.Background())
	if err == nil || !strings.Contains(err.Error(), `"we_1" twice`) {
		t.Errorf("a list naming we_1 twice: %v", err)
	}
}

// An error body that quotes the API key after enough text to be cut in the
// middle of the key, or wraps it in the clean-ups' way, never shows any of it.
func TestClient_errorBodiesNeverShowKeyFragments(t *testing.T) {
	// Keys with a tab or a double space cannot be configured (CheckAPIKey),
	// but a webhook secret may look like that: those are taught to the
	// redactor the way the provider teaches it secrets from state.
	keys := map[string]string{
		"plain":        "rt_test_0123456789abcdefghijkl",
		"tag inside":   "rt_test_01234<ab>56789abcdef",
		"tab inside":   "rt_test_01234\t56789abcdef",
		"double space": "rt_test_01234  56789abcdef",
	}
	prefixes := map[string]string{"short": "denied: ", "cut in the key": strings.Repeat("x", 190) + " Bearer "}
	for keyName, key := range keys {
		for prefixName, prefix := range prefixes {
			for _, shape := range []string{"json", "text"} {
				t.Run(keyName+"/"+prefixName+"/"+shape, func(t *testing.T) {
					body := prefix + key + " was rejected"
					answer := func(w http.ResponseWriter, _ *http.Request) {
						w.WriteHeader(http.StatusUnauthorized)
						_, _ = w.Write([]byte(body))
					}
					if shape == "json" {
						escaped := strings.NewReplacer("\t", `\t`, `"`, `\"`).Replace(body)
						answer = jsonAnswer(http.StatusUnauthorized, `{"error": "`+escaped+`"}`)
					}
					h := newHostileServer(t, answer)
					var client *retivo.Client
					if retivo.CheckAPIKey(key) == nil {
						client = h.client(t, retivo.Config{APIKey: key})
					} else {
						client = h.client(t, retivo.Config{})
						client.MaskSecret(key)
					}
					_, err := client.ListEndpoints(context.Background())
					if err == nil {
						t.Fatal("no error")
					}
					text := err.Error()
					// Any 6 consecutive characters of the key's random part.
					random := strings.TrimPrefix(key, "rt_test_")
					for i := 0; i+6 <= len(random); i++ {
						if frag := random[i : i+6]; strings.Contains(text, frag) {
							t.Fatalf("the error shows the key fragment %q: %s", frag, text)
						}
					}
				})
			}
		}
	}
}

// Credentials pasted into a base URL never reach the error that rejects it.
func TestParseBaseURL_neverShowsCredentials(t *testing.T) {
	const secret = "rt_test_0123456789abcdefghij"
	for _, raw := range []string{
		"http://user:" + secret + "@127.0.0.1:8910/api",
		"http://" + secret + "@127.0.0.1:8910/api",
		"http://127.0.0.1:8910/api?api_key=" + secret,
		"http://127.0.0.1:8910/api#" + secret,
		"ftp://user:" + secret + "@127.0.0.1/api",
		"http://user:" + secret + "@127.0.0.1:8910/api\x7f",
		"::not a url?key=" + secret,
		"127.0.0.1:8910/api?key=" + secret,
		// The API key where the URL belongs: swapped values, or a variable mix-up.
		secret,
		"https:" + secret,
		"ftp://127.0.0.1/" + secret,
	} {
		_, err := retivo.ParseBaseURL(raw)
		if err == nil {
			t.Errorf("%q was accepted", raw)
			continue
		}
		if strings.Contains(err.Error(), "0123456789") {
			t.Errorf("the error shows the credentials: %v", err)
		}
	}
}

// Keys that cannot travel in a header are refused at configuration, and the
// refusal does not show the key.
func TestCheckAPIKey_rejectsUnsendableKeys(t *testing.T) {
	for name, key := range map[string]string{
		"newline":       "rt_test_0123\n456789",
		"control":       "rt_test_0123\x01456789",
		"DEL":           "rt_test_0123\x7f456789",
		"inner space":   "rt_test_0123 456789",
		"non-ASCII":     "rt_test_0123é456789",
		"carriage ret.": "rt_test_0123\r456789",
	} {
		err := retivo.CheckAPIKey(key)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "0123") {
			t.Errorf("%s: the error shows the key: %v", name, err)
		}
	}
	if err := retivo.CheckAPIKey("rt_test_0123456789"); err != nil {
		t.Errorf("a good key: %v", err)
	}
}

// A server that reads the request and never answers ends the call at the
// header timeout, even for a call with no deadline of its own.
func TestClient_stalledServerEndsAtTheHeaderTimeout(t *testing.T) {
	release := make(chan struct{})
	h := newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-time.After(30 * time.Second): // bounded even if the test fails
		}
	})
	defer close(release)
	client := h.client(t, retivo.Config{ResponseHeaderTimeout: 200 * time.Millisecond, MaxRetries: 0})
	start := time.Now()
	_, err := client.TestEndpoint(context.Background(), "we_1")
	if err == nil {
		t.Fatal("no error from a server that never answers")
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("the call took %v; the header timeout is 200ms", elapsed)
	}
}

// Redirects: a create is never sent on to the redirect's target, and no
// call follows a redirect to another host.
func TestClient_redirectsNotFollowedForWritesOrOtherHosts(t *testing.T) {
	var otherGot atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherGot.Add(1)
		jsonAnswer(201, `{"endpoint": {"id": "we_evil", "url": "https://example.com/h", "secret": "whsec_evil0123456789"}, "endpoints": []}`)(w, r)
	}))
	defer other.Close()
	// 127.0.0.1 and localhost are different hosts to the client.
	otherHost := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	sameHost := newHostileServer(t, nil)
	h := newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		target := otherHost + r.URL.Path
		if r.URL.Query().Get("same") != "" {
			target = sameHost.server.URL + r.URL.Path
		}
		http.Redirect(w, r, target, http.StatusTemporaryRedirect)
	})
	client := h.client(t, retivo.Config{MaxRetries: 0})
	ctx := context.Background()
	_, err := client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/h"})
	if err == nil || !strings.Contains(err.Error(), "redirect") {
		t.Errorf("create through a redirect: %v", err)
	}
	if _, err := client.ListEndpoints(ctx); err == nil || !strings.Contains(err.Error(), "307") {
		t.Errorf("list through a redirect to another host: %v", err)
	}
	if n := otherGot.Load(); n != 0 {
		t.Errorf("the other host got %d requests", n)
	}
}

// A host name that does not resolve fails at once, with a hint, instead of
// being retried for seconds; a refused connection is retried, and the error
// says how often.
func TestClient_unknownHostFailsFastRefusedIsRetried(t *testing.T) {
	var dials atomic.Int64
	unresolvable := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: "retivo.invalid", IsNotFound: true}}
	}}}
	client, err := retivo.New(retivo.Config{BaseURL: "http://retivo.invalid/api", APIKey: testKey, HTTPClient: unresolvable,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.ListEndpoints(context.Background())
	if err == nil || !strings.Contains(err.Error(), "check base_url") {
		t.Errorf("unknown host: %v", err)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("an unknown host was dialled %d times", n)
	}

	closed := httptest.NewServer(http.NotFoundHandler())
	addr := closed.URL
	closed.Close() // nothing listens there now: connections are refused
	refused, err := retivo.New(retivo.Config{BaseURL: addr + "/api", APIKey: testKey, MaxRetries: 2,
		RetryWaitMin: time.Millisecond, RetryWaitMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = refused.ListEndpoints(context.Background())
	if err == nil || !strings.Contains(err.Error(), "after 3 attempts over") {
		t.Errorf("refused connection: %v", err)
	}
}

// A create already sent when the caller gives up (Terraform interrupted)
// finishes in the grace period, so its id and secret are not lost; nothing
// is sent after the cancel.
func TestClient_createSentBeforeCancelFinishes(t *testing.T) {
	arrived, cancelled := make(chan struct{}), make(chan struct{})
	h := newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			jsonAnswer(200, `{"endpoints": []}`)(w, r)
			return
		}
		close(arrived)
		<-cancelled // the caller gives up while the create is on the server
		jsonAnswer(201, `{"endpoint": {"id": "we_slow", "url": "https://example.com/h", "secret": "whsec_0123456789abcdef"}}`)(w, r)
	})
	client := h.client(t, retivo.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
		close(cancelled)
	}()
	created, err := client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/h"})
	if err != nil {
		t.Fatalf("a create sent before the cancel: %v", err)
	}
	if created.ID != "we_slow" || created.Secret == "" {
		t.Errorf("created %+v", created)
	}
	if _, err := client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/h2"}); !errors.Is(err, context.Canceled) {
		t.Errorf("a create after the cancel: %v", err)
	}
	if got := h.requestLines(); len(got) != 2 {
		t.Errorf("requests %v, want the baseline list and one create", got)
	}
}

// A test result that quotes the API key or a known secret shows neither.
func TestClient_testResultsMasked(t *testing.T) {
	h := newHostileServer(t, jsonAnswer(200, `{"test": {"success": false, "status": 401,
		"status_text": "Bearer `+testKey+`", "error": "whsec_known_secret_0123 rejected"}}`))
	client := h.client(t, retivo.Config{})
	client.MaskSecret("whsec_known_secret_0123")
	result, err := client.TestEndpoint(context.Background(), "we_1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(result.StatusText, testKey) || strings.Contains(result.Error, "whsec_known_secret_0123") {
		t.Errorf("the result shows a secret: %+v", result)
	}
}

// Errors about an unusable success answer give the status the server sent,
// not "200 OK".
func TestClient_malformedAnswersNameTheirStatus(t *testing.T) {
	for status, want := range map[int]string{201: "201 Created", 204: "204 No Content", 202: "202 Accepted"} {
		h := newHostileServer(t, jsonAnswer(status, `{"endpoint": {"url": "https://example.com/h"}}`))
		if status == 204 {
			h = newHostileServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
		}
		client := h.client(t, retivo.Config{})
		var err error
		if status == 204 {
			_, err = client.ListEndpoints(context.Background())
		} else {
			_, err = client.TestEndpoint(context.Background(), "we_1")
		}
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "200 OK") {
			t.Errorf("status %d: %v, want it to say %q", status, err, want)
		}
	}
}

// A secret nobody told the client about, but shaped like one, is masked too:
// masking does not depend on which resource's state was read first.
func TestClient_untaughtSecretsMaskedByShape(t *testing.T) {
	h := newHostileServer(t, jsonAnswer(500, `{"error": "failed for whsec_NeverTaught0123456789 and rt_live_someoneElses0123"}`))
	_, err := h.client(t, retivo.Config{}).ListEndpoints(context.Background())
	if err == nil || strings.Contains(err.Error(), "NeverTaught") || strings.Contains(err.Error(), "someoneElses") {
		t.Errorf("an untaught secret shows: %v", err)
	}
}

// A create that succeeds after an ambiguous attempt is returned even when
// the look for that attempt's endpoint fails: the endpoint exists and its
// secret is in this answer only.
func TestClient_createKeptWhenTheLeftoverLookupFails(t *testing.T) {
	var lists, posts atomic.Int64
	h := newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			if lists.Add(1) >= 2 { // the baseline works; the look for leftovers fails
				jsonAnswer(500, `{"error": "list unavailable"}`)(w, r)
				return
			}
			jsonAnswer(200, `{"endpoints": []}`)(w, r)
			return
		}
		if posts.Add(1) == 1 {
			jsonAnswer(502, `{"error": "bad gateway"}`)(w, r) // the create's outcome is unknown
			return
		}
		jsonAnswer(201, `{"endpoint": {"id": "we_2", "url": "https://example.com/h", "secret": "whsec_second0123456789"}}`)(w, r)
	})
	created, err := h.client(t, retivo.Config{}).CreateEndpoint(context.Background(), retivo.CreateEndpointRequest{URL: "https://example.com/h"})
	if err != nil {
		t.Fatalf("the create was thrown away: %v", err)
	}
	if created.ID != "we_2" || created.Secret == "" || created.LeftoverLookupErr == nil {
		t.Errorf("created %+v, leftover lookup error %v", created.Endpoint, created.LeftoverLookupErr)
	}
}

// A create cancelled while waiting to retry a 429 never reached the server
// in a way that could have registered anything: no recovery runs.
func TestClient_createCancelledDuringRateLimitWaitIsNotAmbiguous(t *testing.T) {
	limited := make(chan struct{})
	h := newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			jsonAnswer(200, `{"endpoints": []}`)(w, r)
			return
		}
		w.Header().Set("Retry-After", "5")
		jsonAnswer(429, `{"error": "slow down"}`)(w, r)
		close(limited)
	})
	client, err := retivo.New(retivo.Config{BaseURL: h.server.URL + "/api", APIKey: testKey, MaxRetries: 3,
		RetryWaitMin: time.Millisecond, RetryWaitMax: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-limited // cancel while the client waits out the 429's Retry-After
		cancel()
	}()
	_, err = client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/h"})
	if err == nil {
		t.Fatal("no error")
	}
	if apiErr, ok := retivo.AsError(err); !ok || apiErr.MayHaveCommitted || apiErr.StatusCode != 429 {
		t.Errorf("a create that got a 429 is taken as possibly committed, or the 429 is lost: %v", err)
	}
	if got := h.requestLines(); len(got) != 2 {
		t.Errorf("requests %v, want the baseline list and one create, no look for leftovers", got)
	}
}

// An update answer without an id that describes other values than the ones
// sent (another endpoint's) is an error: it is not this update's result.
func TestClient_updateAnswerContradictingTheRequest(t *testing.T) {
	h := newHostileServer(t, jsonAnswer(200, `{"endpoint": {"url": "https://evil.example/b", "description": "b", `+
		`"subscribed_events": ["x.y"], "active": false}}`))
	_, err := h.client(t, retivo.Config{}).UpdateEndpoint(context.Background(), "we_a",
		retivo.UpdateEndpointRequest{URL: retivo.String("https://example.com/a2")})
	if !errors.Is(err, retivo.ErrAnswerMismatch) || !strings.Contains(err.Error(), "evil.example") {
		t.Errorf("want an error naming the url the answer shows, got %v", err)
	}
}

// The update error quotes the id the server chose: it shows no control
// character, known secret or piece of the API key.
func TestClient_updateAnswerIDQuotedClean(t *testing.T) {
	const secret = "whsec_known0123456789abcdef"
	id := "\x1b]52;c;" + secret + "\x07\r" + testKey[len("rt_test_"):]
	body, _ := json.Marshal(map[string]any{"endpoint": map[string]any{"id": id}})
	client := newHostileServer(t, jsonAnswer(200, string(body))).client(t, retivo.Config{})
	client.MaskSecret(secret)
	_, err := client.UpdateEndpoint(context.Background(), "we_a", retivo.UpdateEndpointRequest{})
	if err == nil {
		t.Fatal("an answer for another id was taken")
	}
	if text := err.Error(); strings.ContainsAny(text, "\x1b\x07\r") || strings.Contains(text, "known0123456789") ||
		strings.Contains(text, "client_0123456789") {
		t.Errorf("the error shows what the server put in the id: %q", text)
	}
}

// A create waiting for the baseline list another create started waits no
// longer than its own deadline.
func TestClient_baselineWaitEndsAtTheCallersDeadline(t *testing.T) {
	listArrived := make(chan struct{}, 1)
	release := make(chan struct{})
	h := newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			listArrived <- struct{}{}
			select { // a stalled list, until the test releases it
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		jsonAnswer(500, `{"error": "no"}`)(w, r)
	})
	defer close(release)
	client := h.client(t, retivo.Config{})
	first, cancelFirst := context.WithCancel(context.Background())
	defer cancelFirst()
	go func() {
		_, _ = client.CreateEndpoint(first, retivo.CreateEndpointRequest{URL: "https://example.com/a"})
	}()
	<-listArrived
	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	returned := make(chan error, 1)
	go func() {
		_, err := client.CreateEndpoint(short, retivo.CreateEndpointRequest{URL: "https://example.com/b"})
		returned <- err
	}()
	select {
	case err := <-returned:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("want the caller's deadline, got %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the create waited for another caller's stalled baseline list past its own deadline")
	}
}
