package retivo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

const testKey = "rt_test_client_0123456789"

type fixture struct {
	server  *localserver.Server
	http    *httptest.Server
	baseURL string
	client  *retivo.Client
}

// newFixture starts a local server and a client of it. The client retries
// like the provider's default, with short waits, unless cfg says otherwise.
func newFixture(t *testing.T, opts localserver.Options, cfg retivo.Config) *fixture {
	t.Helper()
	if opts.APIKeys == nil {
		opts.APIKeys = []string{testKey}
	}
	server := localserver.New(opts)
	ts := httptest.NewServer(server)
	t.Cleanup(ts.Close)
	f := &fixture{server: server, http: ts, baseURL: ts.URL + server.PathPrefix()}
	f.client = f.newClient(t, cfg)
	return f
}

// newClient is another client of the fixture's server.
func (f *fixture) newClient(t *testing.T, cfg retivo.Config) *retivo.Client {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	cfg.BaseURL = f.baseURL
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = retivo.DefaultMaxRetries
	}
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin = time.Millisecond
		cfg.RetryWaitMax = 20 * time.Millisecond
	}
	client, err := retivo.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return client
}

func apiError(t *testing.T, err error) *retivo.Error {
	t.Helper()
	apiErr, ok := retivo.AsError(err)
	if !ok {
		t.Fatalf("want *retivo.Error, got %T: %v", err, err)
	}
	return apiErr
}

func TestClient_lifecycle(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	ctx := context.Background()

	created, err := f.client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{
		URL:              "https://example.com/hook",
		Description:      retivo.String("orders"),
		SubscribedEvents: retivo.Strings([]string{"a.created", "b.updated"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, ok := f.server.Endpoint(created.ID)
	if !ok {
		t.Fatal("the server does not hold the created endpoint")
	}
	if created.Secret == "" || created.Secret != stored.Secret {
		t.Errorf("secret %q, server holds %q", created.Secret, stored.Secret)
	}
	if created.CreatedAt == "" || created.UpdatedAt != "" {
		t.Errorf("create answer: created_at %q, updated_at %q", created.CreatedAt, created.UpdatedAt)
	}
	if created.Active == nil || !*created.Active || *created.Description != "orders" {
		t.Errorf("create answer %+v", created)
	}

	listing, err := f.client.ListEndpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	list := listing.Endpoints
	if len(list) != 1 || list[0].ID != created.ID || list[0].Secret != "" || list[0].UpdatedAt == "" {
		t.Fatalf("list %+v", list)
	}
	if !sameSet(list[0].SubscribedEvents, []string{"a.created", "b.updated"}) {
		t.Errorf("events %v", list[0].SubscribedEvents)
	}

	updated, err := f.client.UpdateEndpoint(ctx, created.ID, retivo.UpdateEndpointRequest{
		Description: retivo.String(""), SubscribedEvents: retivo.Strings(nil), Active: retivo.Bool(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if *updated.Description != "" || len(updated.SubscribedEvents) != 0 || *updated.Active || updated.URL != "https://example.com/hook" {
		t.Errorf("update answer %+v", updated)
	}
	if updated.UpdatedAt == "" || updated.UpdatedAt == created.CreatedAt {
		t.Errorf("updated_at %q did not move from %q", updated.UpdatedAt, created.CreatedAt)
	}

	if err := f.client.DeleteEndpoint(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.server.Endpoint(created.ID); ok {
		t.Error("endpoint still stored after delete")
	}
	err = f.client.DeleteEndpoint(ctx, created.ID)
	if !retivo.IsNotFound(err) {
		t.Errorf("second delete: want not found, got %v", err)
	}
}

func TestClient_testDelivery(t *testing.T) {
	receiver := localserver.NewReceiver()
	rs := httptest.NewServer(receiver)
	defer rs.Close()
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	ctx := context.Background()

	created, err := f.client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: rs.URL + "/hook"})
	if err != nil {
		t.Fatal(err)
	}
	result, err := f.client.TestEndpoint(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !result.Success || result.Status != 200 || result.StatusText != "OK" || result.Error != "" {
		t.Errorf("result %+v", result)
	}
	got := receiver.Deliveries()
	if len(got) != 1 {
		t.Fatalf("receiver got %d deliveries", len(got))
	}
	if !localserver.VerifySignature(created.Secret, got[0].Header.Get(localserver.SignatureHeader), got[0].Body) {
		t.Error("the delivery's signature does not verify with the endpoint's secret")
	}

	receiver.SetStatus(http.StatusInternalServerError)
	result, err = f.client.TestEndpoint(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if result.Success || result.Status != 500 || result.Error == "" {
		t.Errorf("result against a failing receiver %+v", result)
	}

	_, err = f.client.TestEndpoint(ctx, "we_missing")
	if !retivo.IsNotFound(err) {
		t.Errorf("unknown id: want not found, got %v", err)
	}
}

func TestClient_errorClasses(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		opts     localserver.Options
		cfg      retivo.Config
		fault    *localserver.Fault
		call     func(*retivo.Client) error
		kind     retivo.Kind
		contains []string
	}{
		"unauthorized": {
			cfg:      retivo.Config{APIKey: "rt_live_not_known_here"},
			call:     list,
			kind:     retivo.KindUnauthorized,
			contains: []string{"401", "invalid or missing API key"},
		},
		"plan limit": {
			opts:     localserver.Options{MaxEndpoints: 1, UpgradeTo: "scale"},
			call:     createTwo,
			kind:     retivo.KindPlanLimit,
			contains: []string{"403", "at most 1 webhook endpoints", `upgrade to the "scale" plan`},
		},
		"not found": {
			call: func(c *retivo.Client) error {
				_, err := c.UpdateEndpoint(ctx, "we_nope", retivo.UpdateEndpointRequest{})
				return err
			},
			kind:     retivo.KindNotFound,
			contains: []string{"404", `"we_nope" not found`},
		},
		// A 404 on the collection route, which always exists, or a 404
		// that is not Retivo's JSON error means the base URL is wrong, not
		// that an endpoint is missing (IsNotFound must not say so: callers
		// treat "not found" as "already deleted").
		"404 on the collection route": {
			fault:    &localserver.Fault{Route: localserver.RouteList, Status: 404, Body: `{"error": "no such route"}`},
			call:     list,
			kind:     retivo.KindWrongBaseURL,
			contains: []string{"404", "no such route"},
		},
		"404 that is not a JSON error": {
			fault: &localserver.Fault{Route: localserver.RouteDelete, Status: 404, Body: "404 page not found", ContentType: "text/plain"},
			call: func(c *retivo.Client) error {
				return c.DeleteEndpoint(ctx, "we_nope")
			},
			kind:     retivo.KindWrongBaseURL,
			contains: []string{"404", "404 page not found"},
		},
		"validation": {
			call: func(c *retivo.Client) error {
				_, err := c.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "ftp://x"})
				return err
			},
			kind:     retivo.KindValidation,
			contains: []string{"422", "not a valid absolute http or https URL"},
		},
		"bad request": {
			fault:    &localserver.Fault{Status: 400, Body: `{"error":"request body must be a JSON object"}`},
			call:     list,
			kind:     retivo.KindValidation,
			contains: []string{"400", "request body must be a JSON object"},
		},
		// A rate limit is waited out until the caller's deadline, never
		// given up on after max_retries.
		"rate limited until the deadline": {
			cfg:   retivo.Config{MaxRetries: 2},
			fault: &localserver.Fault{Status: 429, RetryAfter: "0"},
			call: func(c *retivo.Client) error {
				deadline, cancel := context.WithTimeout(ctx, 2*time.Second)
				defer cancel()
				_, err := c.ListEndpoints(deadline)
				return err
			},
			kind:     retivo.KindRateLimited,
			contains: []string{"429", "deadline exceeded", "while waiting out the rate limit"},
		},
		"server fault with an HTML page": {
			cfg:      retivo.Config{MaxRetries: 1},
			fault:    &localserver.Fault{Status: 502, Body: "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>\n<p>upstream   died</p></body></html>"},
			call:     list,
			kind:     retivo.KindServerFault,
			contains: []string{"502", "not JSON", "502 Bad Gateway Bad Gateway upstream died"},
		},
		"server fault with an empty body": {
			fault:    &localserver.Fault{Status: 500, Body: " ", ContentType: "text/plain"},
			call:     list,
			kind:     retivo.KindServerFault,
			contains: []string{"500", "empty body"},
		},
		"malformed success body": {
			fault:    &localserver.Fault{Status: 200, Body: `{"endpoints": "many"}`},
			call:     list,
			kind:     retivo.KindMalformedResponse,
			contains: []string{"200", "could not be read"},
		},
		"success body without the list": {
			fault:    &localserver.Fault{Status: 200, Body: `{"items": []}`},
			call:     list,
			kind:     retivo.KindMalformedResponse,
			contains: []string{`no "endpoints" list`},
		},
		"answer over the size limit": {
			cfg:      retivo.Config{MaxResponseBytes: 64},
			fault:    &localserver.Fault{Status: 200, Body: `{"endpoints": [], "padding": "` + strings.Repeat("x", 100) + `"}`},
			call:     list,
			kind:     retivo.KindMalformedResponse,
			contains: []string{"more than the client reads", "larger than the limit of 64 bytes"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, tc.opts, tc.cfg)
			if tc.fault != nil {
				f.server.AddFault(*tc.fault)
			}
			err := tc.call(f.client)
			apiErr := apiError(t, err)
			if apiErr.Kind() != tc.kind {
				t.Errorf("kind %v, want %v (%v)", apiErr.Kind(), tc.kind, err)
			}
			for _, want := range tc.contains {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			if strings.Contains(err.Error(), testKey) {
				t.Errorf("error %q contains the API key", err)
			}
		})
	}
}

func list(c *retivo.Client) error {
	_, err := c.ListEndpoints(context.Background())
	return err
}

func createTwo(c *retivo.Client) error {
	for range 2 {
		if _, err := c.CreateEndpoint(context.Background(), retivo.CreateEndpointRequest{URL: "https://example.com"}); err != nil {
			return err
		}
	}
	return nil
}

func TestClient_retriesThenSucceeds(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	f.server.AddFault(localserver.Fault{Status: 503, FirstAttempt: true})
	if _, err := f.client.CreateEndpoint(context.Background(), retivo.CreateEndpointRequest{URL: "https://example.com"}); err != nil {
		t.Fatal(err)
	}
	if got := f.server.Count(localserver.RouteCreate); got != 2 {
		t.Errorf("create requests %d, want 2 (one 503, one retry)", got)
	}
	if n := len(f.server.Endpoints()); n != 1 {
		t.Errorf("server holds %d endpoints, want 1", n)
	}
}

// A create whose first answer is lost is resent, and the endpoint the lost
// attempt registered is named as a leftover, never deleted; an identical
// endpoint that existed before is neither deleted nor named.
func TestClient_ambiguousCreateNamesItsLeftover(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	theirs := f.server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com", Active: true})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteCreate, DropAfterCommit: true, Times: 1})

	created, err := f.client.CreateEndpoint(context.Background(), retivo.CreateEndpointRequest{URL: "https://example.com"})
	if err != nil {
		t.Fatal(err)
	}
	ours, ok := f.server.Endpoint(created.ID)
	if !ok || ours.Secret != created.Secret {
		t.Error("the returned endpoint is not on the server with the returned secret")
	}
	var leftover string
	for _, e := range f.server.Endpoints() {
		if e.ID != theirs.ID && e.ID != created.ID {
			leftover = e.ID
		}
	}
	if n := len(f.server.Endpoints()); n != 3 || leftover == "" {
		t.Fatalf("server holds %d endpoints, want 3 (theirs, the leftover, ours)", n)
	}
	if created.UnknownAttempts != 1 || !slices.Equal(created.Leftovers, []string{leftover}) {
		t.Errorf("unknown attempts %d, leftovers %v; want 1 and [%s]", created.UnknownAttempts, created.Leftovers, leftover)
	}
	if got := f.server.Count(localserver.RouteCreate); got != 2 {
		t.Errorf("create sent %d times, want 2 (the dropped one and the resend)", got)
	}
	if got := f.server.Count(localserver.RouteDelete); got != 0 {
		t.Errorf("%d deletes, want none: the client never deletes what it did not create", got)
	}
}

// Every endpoint identical creates leave behind is either returned with its
// secret or named as a leftover by the create that may have made it; none is
// deleted.
func TestClient_concurrentIdenticalAmbiguousCreates(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteCreate, DropAfterCommit: true, Every: 2})
	const n = 12
	var mu sync.Mutex
	returned := map[string]string{}
	named := map[string]bool{}
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			e, err := f.client.CreateEndpoint(context.Background(), retivo.CreateEndpointRequest{URL: "https://same.example"})
			mu.Lock()
			defer mu.Unlock()
			var leftover *retivo.LeftoverError
			switch {
			case err == nil:
				returned[e.ID] = e.Secret
				for _, id := range e.Leftovers {
					named[id] = true
				}
			case errors.As(err, &leftover):
				for _, id := range leftover.Leftovers {
					named[id] = true
				}
			default:
				t.Errorf("create failed without naming what it may have left: %v", err)
			}
		})
	}
	wg.Wait()
	if len(returned) < n-2 {
		t.Errorf("%d of %d creates returned an endpoint", len(returned), n)
	}
	for _, e := range f.server.Endpoints() {
		secret, ok := returned[e.ID]
		switch {
		case ok && secret != e.Secret:
			t.Errorf("endpoint %s has another secret than the one returned", e.ID)
		case !ok && !named[e.ID]:
			t.Errorf("endpoint %s was neither returned nor named as a leftover", e.ID)
		}
	}
	if got := f.server.Count(localserver.RouteDelete); got != 0 {
		t.Errorf("%d deletes, want none", got)
	}
}

// A create answer that names an endpoint the account held before the create
// is not for this create: an error naming it, and the endpoint the create
// really registered is named as a leftover.
func TestClient_createAnswerWithAnExistingIDIsAnError(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	b := f.server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/b", Active: true})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Times: 1, AnswerAfterCommit: true, Status: 201,
		Body: `{"endpoint": {"id": "` + b.ID + `", "url": "https://example.com/c", "active": true, "secret": "whsec_lie0123456789"}}`})
	created, err := f.client.CreateEndpoint(context.Background(), retivo.CreateEndpointRequest{URL: "https://example.com/c"})
	var leftover *retivo.LeftoverError
	if !errors.As(err, &leftover) {
		t.Fatalf("want an error naming the leftover, got %+v, %v", created, err)
	}
	if !strings.Contains(err.Error(), b.ID) || !strings.Contains(err.Error(), "existed before") {
		t.Errorf("the error does not name %s as an endpoint that existed before: %v", b.ID, err)
	}
	var c string
	for _, e := range f.server.Endpoints() {
		if e.ID != b.ID {
			c = e.ID
		}
	}
	if !slices.Equal(leftover.Leftovers, []string{c}) {
		t.Errorf("leftovers %v, want the endpoint the create registered, [%s]", leftover.Leftovers, c)
	}
	if n := f.server.Count(localserver.RouteCreate); n != 1 {
		t.Errorf("%d creates; a lying answer is not resent", n)
	}
}

// An update answer that describes another endpoint is an error naming both:
// it is not this update's result.
func TestClient_updateAnswerForAnotherEndpointIsAnError(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	a := f.server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/a", Active: true})
	b := f.server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/b", Active: true})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteUpdate, Times: 1, AnswerAfterCommit: true, Status: 200,
		Body: `{"endpoint": {"id": "` + b.ID + `", "url": "https://example.com/b", "active": true}}`})
	updated, err := f.client.UpdateEndpoint(context.Background(), a.ID, retivo.UpdateEndpointRequest{URL: retivo.String("https://example.com/a2")})
	if err == nil {
		t.Fatalf("an answer for %s was taken for the update of %s: %+v", b.ID, a.ID, updated)
	}
	if !strings.Contains(err.Error(), a.ID) || !strings.Contains(err.Error(), b.ID) {
		t.Errorf("the error does not name both ids: %v", err)
	}
}

// A list that misses an endpoint once does not make it look deleted: the
// absence is confirmed by one more list, which every id missing from the
// same snapshot shares; only a second miss is believed.
func TestClient_findConfirmsAbsence(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	a := f.server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/a", Active: true})
	b := f.server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/b", Active: true})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteList, Times: 1, Status: 200, Body: `{"endpoints": []}`})
	ctx := context.Background()
	for _, id := range []string{a.ID, b.ID} {
		lookup, err := f.client.FindEndpoint(ctx, id)
		if err != nil || !lookup.Found {
			t.Fatalf("endpoint %s, missing from one lagging list, was taken for gone: %+v %v", id, lookup, err)
		}
	}
	if n := f.server.Count(localserver.RouteList); n != 2 {
		t.Errorf("%d list calls, want 2: the lagging one and one confirmation for both", n)
	}
	lookup, err := f.client.FindEndpoint(ctx, "we_gone")
	if err != nil || lookup.Found {
		t.Fatalf("a missing endpoint: %+v %v", lookup, err)
	}
	if n := f.server.Count(localserver.RouteList); n != 3 {
		t.Errorf("%d list calls, want 3: a miss in the current snapshot is confirmed by one more", n)
	}
}

// MaxRetries 0 means no retries: one attempt, then the error.
func TestClient_zeroRetriesMeansOneAttempt(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	f.server.AddFault(localserver.Fault{Status: 503})
	client, err := retivo.New(retivo.Config{BaseURL: f.baseURL, APIKey: testKey, MaxRetries: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.ListEndpoints(context.Background()); retivo.KindOf(err) != retivo.KindServerFault {
		t.Fatalf("want the 503, got %v", err)
	}
	if n := f.server.Count(localserver.RouteList); n != 1 {
		t.Errorf("%d attempts, want 1", n)
	}
}

func TestClient_updateResentAfterDroppedAnswer(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	e := f.server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com", Active: true})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteUpdate, DropAfterCommit: true, Times: 1})
	if _, err := f.client.UpdateEndpoint(context.Background(), e.ID, retivo.UpdateEndpointRequest{Active: retivo.Bool(false)}); err != nil {
		t.Fatal(err)
	}
	if got := f.server.Count(localserver.RouteUpdate); got != 2 {
		t.Errorf("update sent %d times, want 2", got)
	}
}

func TestClient_requestShape(t *testing.T) {
	var seen atomic.Pointer[http.Request]
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.Clone(context.Background()))
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"deleted": true, "extra": {"ignored": [1, 2]}}`))
	}))
	defer ts.Close()
	client, err := retivo.New(retivo.Config{BaseURL: ts.URL + "/api/", APIKey: testKey, UserAgent: "terraform-provider-retivo/1.2.3 Terraform/1.11.4"})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.DeleteEndpoint(context.Background(), `we_a;b,c"<d`); err != nil {
		t.Fatal(err)
	}
	r := seen.Load()
	if got, want := r.URL.EscapedPath(), "/api/webhooks/endpoints/we_a%3Bb%2Cc%22%3Cd"; got != want {
		t.Errorf("path %q, want %q", got, want)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization %q", got)
	}
	if got := r.Header.Get("User-Agent"); got != "terraform-provider-retivo/1.2.3 Terraform/1.11.4" {
		t.Errorf("User-Agent %q", got)
	}
}

func TestClient_contextCancelStopsRetrying(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{RetryWaitMin: time.Minute, RetryWaitMax: time.Minute})
	f.server.AddFault(localserver.Fault{Status: 503})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.client.ListEndpoints(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("want deadline exceeded, got %v", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("took %v to give up", elapsed)
	}
}

func TestClient_unknownFieldsIgnoredAndEventsReordered(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	events := []string{"a", "b", "c"}
	if _, err := f.client.CreateEndpoint(context.Background(), retivo.CreateEndpointRequest{URL: "https://example.com", SubscribedEvents: &events}); err != nil {
		t.Fatal(err)
	}
	listing, err := f.client.ListEndpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := listing.Endpoints
	if slices.Equal(got[0].SubscribedEvents, events) {
		t.Errorf("the local server returned events in the order sent, %v; it must reorder them to keep clients honest", got[0].SubscribedEvents)
	}
}

func TestNew_rejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]retivo.Config{
		"empty key":        {APIKey: ""},
		"wrong prefix":     {APIKey: "sk_live_abcdefgh"},
		"prefix only":      {APIKey: "rt_live_"},
		"relative base":    {APIKey: testKey, BaseURL: "retivo.ai/api"},
		"ftp base":         {APIKey: testKey, BaseURL: "ftp://retivo.ai"},
		"base with query":  {APIKey: testKey, BaseURL: "https://retivo.ai/api?x=1"},
		"negative retries": {APIKey: testKey, MaxRetries: -1},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := retivo.New(cfg)
			if err == nil {
				t.Fatal("want an error")
			}
			if cfg.APIKey != "" && strings.Contains(err.Error(), cfg.APIKey) && len(cfg.APIKey) > len("rt_live_") {
				t.Errorf("error %q echoes the key", err)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestClient_createFaults(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		fault                    localserver.Fault
		wantErr                  string
		wantCreates, wantDeletes int64
		wantStored               int
	}{
		// The server committed but its answer is unusable: the endpoint is
		// a leftover without a known secret; it is named and the answer
		// reported (without quoting it: it holds the secret).
		"unusable success answer": {
			fault: localserver.Fault{Route: localserver.RouteCreate, Times: 1, AnswerAfterCommit: true, Status: 201,
				Body: `{"endpoint": {"id": 7, "secret": "whsec_do_not_leak_me"}}`},
			wantErr:     "could not be read",
			wantCreates: 1, wantDeletes: 0, wantStored: 1,
		},
		// A 503 without Retry-After may come from a gateway that forwarded
		// the create: recover, then resend.
		"503 without Retry-After": {
			fault:       localserver.Fault{Route: localserver.RouteCreate, Times: 1, Status: 503},
			wantCreates: 2, wantDeletes: 0, wantStored: 1,
		},
		// A 503 with Retry-After says the work was not done: a plain retry.
		"503 with Retry-After": {
			fault:       localserver.Fault{Route: localserver.RouteCreate, Times: 1, Status: 503, RetryAfter: "0"},
			wantCreates: 2, wantDeletes: 0, wantStored: 1,
		},
		// A 500 after the endpoint was stored: the leftover is named and
		// the error reported, not resent.
		"500 after commit": {
			fault: localserver.Fault{Route: localserver.RouteCreate, Times: 1, AnswerAfterCommit: true, Status: 500,
				Body: `{"error": "database timeout"}`},
			wantErr:     "database timeout",
			wantCreates: 1, wantDeletes: 0, wantStored: 1,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t, localserver.Options{}, retivo.Config{})
			f.server.AddFault(tc.fault)
			created, err := f.client.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/" + strings.ReplaceAll(name, " ", "-")})
			switch {
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("want an error containing %q, got %v", tc.wantErr, err)
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case err == nil:
				if stored, ok := f.server.Endpoint(created.ID); !ok || stored.Secret != created.Secret {
					t.Error("the returned endpoint is not on the server with its secret")
				}
			}
			if err != nil && strings.Contains(err.Error(), "whsec_") {
				t.Errorf("the error quotes a secret: %v", err)
			}
			if got := f.server.Count(localserver.RouteCreate); got != tc.wantCreates {
				t.Errorf("creates %d, want %d", got, tc.wantCreates)
			}
			if got := f.server.Count(localserver.RouteDelete); got != tc.wantDeletes {
				t.Errorf("deletes %d, want %d", got, tc.wantDeletes)
			}
			if got := len(f.server.Endpoints()); got != tc.wantStored {
				t.Errorf("server holds %d endpoints, want %d", got, tc.wantStored)
			}
		})
	}
}

func TestClient_testCallNotResentAfterGatewayError(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	e := f.server.InsertEndpoint(localserver.Endpoint{URL: "http://127.0.0.1:1/", Active: true})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteTest, Status: 502, Times: 1})
	_, err := f.client.TestEndpoint(context.Background(), e.ID)
	if retivo.KindOf(err) != retivo.KindServerFault {
		t.Fatalf("want the 502, got %v", err)
	}
	if n := f.server.Count(localserver.RouteTest); n != 1 {
		t.Errorf("the test call was sent %d times; a second send would deliver a second event", n)
	}
}

func TestClient_emptySuccessAnswers(t *testing.T) {
	f := newFixture(t, localserver.Options{}, retivo.Config{})
	e := f.server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com", Active: true})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteUpdate, Times: 1, AnswerAfterCommit: true, Status: 200, Body: ""})
	f.server.AddFault(localserver.Fault{Route: localserver.RouteDelete, Times: 1, AnswerAfterCommit: true, Status: 204, Body: ""})
	updated, err := f.client.UpdateEndpoint(context.Background(), e.ID, retivo.UpdateEndpointRequest{Active: retivo.Bool(false)})
	if err != nil || updated.ID != e.ID || updated.Active != nil {
		t.Fatalf("an empty update answer: %+v, %v; want the id and nothing else", updated, err)
	}
	if err := f.client.DeleteEndpoint(context.Background(), e.ID); err != nil {
		t.Fatalf("a 204 to a delete: %v", err)
	}
	if len(f.server.Endpoints()) != 0 {
		t.Error("the delete did not happen")
	}
}
