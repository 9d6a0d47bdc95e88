package localserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

const key = "rt_test_server_key_123"

type call struct {
	t    *testing.T
	base string
}

func start(t *testing.T, opts localserver.Options) (*localserver.Server, call) {
	t.Helper()
	if opts.APIKeys == nil {
		opts.APIKeys = []string{key}
	}
	s := localserver.New(opts)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, call{t: t, base: ts.URL + s.PathPrefix()}
}

// do sends a request and decodes the JSON answer.
func (c call) do(method, path, token, body string) (int, map[string]any) {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		c.t.Fatalf("%s %s answered %d with a body that is not JSON: %q", method, path, resp.StatusCode, data)
	}
	return resp.StatusCode, out
}

func TestServer_auth(t *testing.T) {
	_, c := start(t, localserver.Options{APIKeys: []string{key, "not_a_retivo_key"}})
	for _, token := range []string{"", "rt_test_unknown", "not_a_retivo_key"} {
		status, body := c.do("GET", "/webhooks/endpoints", token, "")
		if status != 401 || body["error"] == nil {
			t.Errorf("token %q: %d %v, want 401 with an error", token, status, body)
		}
	}
	if status, _ := c.do("GET", "/webhooks/endpoints", key, ""); status != 200 {
		t.Errorf("good key: %d", status)
	}
}

func TestServer_validation(t *testing.T) {
	_, c := start(t, localserver.Options{})
	tests := map[string]struct {
		body   string
		status int
	}{
		"not JSON":        {`url=x`, 400},
		"array":           {`[]`, 400},
		"null":            {`null`, 400},
		"no url":          {`{}`, 422},
		"relative url":    {`{"url": "example.com"}`, 422},
		"ftp url":         {`{"url": "ftp://example.com"}`, 422},
		"url not string":  {`{"url": 3}`, 422},
		"events not list": {`{"url": "https://a.example", "subscribed_events": "x"}`, 422},
		"empty event":     {`{"url": "https://a.example", "subscribed_events": ["a", ""]}`, 422},
		"event not str":   {`{"url": "https://a.example", "subscribed_events": [1]}`, 422},
		"active not bool": {`{"url": "https://a.example", "active": "yes"}`, 422},
		"unknown field":   {`{"url": "https://a.example", "colour": "red"}`, 422},
		"null field":      {`{"url": "https://a.example", "description": null}`, 422},
	}
	for name, tc := range tests {
		status, body := c.do("POST", "/webhooks/endpoints", key, tc.body)
		if status != tc.status || body["error"] == nil {
			t.Errorf("%s: %d %v, want %d with an error", name, status, body, tc.status)
		}
	}
}

func TestServer_createUpdateMerges(t *testing.T) {
	s, c := start(t, localserver.Options{})
	status, body := c.do("POST", "/webhooks/endpoints", key,
		`{"url": "https://a.example", "description": "d", "subscribed_events": ["x", "y", "x"]}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, body)
	}
	ep := object(t, body["endpoint"])
	secret, _ := ep["secret"].(string)
	if len(secret) < 40 || ep["updated_at"] != nil || ep["object"] != "webhook_endpoint" {
		t.Errorf("create answer %v", ep)
	}
	id, _ := ep["id"].(string)

	status, body = c.do("PUT", "/webhooks/endpoints/"+id, key, `{"active": false}`)
	if status != 200 {
		t.Fatalf("update: %d %v", status, body)
	}
	got, _ := s.Endpoint(id)
	if got.Description != "d" || got.URL != "https://a.example" || got.Active || len(got.SubscribedEvents) != 2 {
		t.Errorf("PUT must merge: stored %+v", got)
	}
	upd := object(t, body["endpoint"])
	if upd["created_at"] != nil || upd["secret"] != nil || upd["updated_at"] == nil {
		t.Errorf("update answer %v", upd)
	}
	first := upd["updated_at"]
	_, body = c.do("PUT", "/webhooks/endpoints/"+id, key, `{}`)
	if object(t, body["endpoint"])["updated_at"] == first {
		t.Error("updated_at did not move")
	}
	if status, _ := c.do("PUT", "/webhooks/endpoints/we_nope", key, `{}`); status != 404 {
		t.Errorf("update unknown id: %d", status)
	}
	if status, _ := c.do("DELETE", "/webhooks/endpoints/"+id, key, ""); status != 200 {
		t.Errorf("delete: %d", status)
	}
	if status, _ := c.do("DELETE", "/webhooks/endpoints/"+id, key, ""); status != 404 {
		t.Errorf("second delete: %d", status)
	}
}

func TestServer_planLimit(t *testing.T) {
	_, c := start(t, localserver.Options{MaxEndpoints: 1})
	c.do("POST", "/webhooks/endpoints", key, `{"url": "https://a.example"}`)
	status, body := c.do("POST", "/webhooks/endpoints", key, `{"url": "https://b.example"}`)
	if status != 403 || body["upgrade_to"] != "pro" || body["error"] == nil {
		t.Errorf("%d %v", status, body)
	}
}

func TestServer_faultsAndCounters(t *testing.T) {
	s, c := start(t, localserver.Options{})
	s.AddFault(localserver.Fault{Route: localserver.RouteList, Every: 3, Status: 429, RetryAfter: "1"})
	var statuses []int
	for range 6 {
		status, _ := c.do("GET", "/webhooks/endpoints", key, "")
		statuses = append(statuses, status)
	}
	if want := []int{200, 200, 429, 200, 200, 429}; !equal(statuses, want) {
		t.Errorf("statuses %v, want %v", statuses, want)
	}
	if got := s.Count(localserver.RouteList); got != 6 {
		t.Errorf("list count %d", got)
	}
	s.ClearFaults()
	s.AddFault(localserver.Fault{Status: 503, FirstAttempt: true})
	first, _ := c.do("POST", "/webhooks/endpoints", key, `{"url": "https://a.example"}`)
	second, _ := c.do("POST", "/webhooks/endpoints", key, `{"url": "https://a.example"}`)
	if first != 503 || second != 201 {
		t.Errorf("first attempt %d, retry %d; want 503 then 201", first, second)
	}
}

func TestServer_dropAfterCommit(t *testing.T) {
	s, c := start(t, localserver.Options{})
	s.AddFault(localserver.Fault{Route: localserver.RouteCreate, DropAfterCommit: true})
	req, _ := http.NewRequest("POST", c.base+"/webhooks/endpoints", strings.NewReader(`{"url": "https://a.example"}`))
	req.Header.Set("Authorization", "Bearer "+key)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("want a dropped connection, got %d", resp.StatusCode)
	}
	if n := len(s.Endpoints()); n != 1 {
		t.Errorf("the create must be committed: %d endpoints", n)
	}
}

func TestServer_concurrentUse(t *testing.T) {
	s, c := start(t, localserver.Options{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			c.do("POST", "/webhooks/endpoints", key, `{"url": "https://a.example"}`)
			c.do("GET", "/webhooks/endpoints", key, "")
		})
	}
	wg.Wait()
	if n := len(s.Endpoints()); n != 20 {
		t.Errorf("%d endpoints, want 20", n)
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(`{"id":"evt_1"}`)
	header := localserver.Sign("whsec_abc", 1700000000, body)
	if !localserver.VerifySignature("whsec_abc", header, body) {
		t.Error("a good signature does not verify")
	}
	if localserver.VerifySignature("whsec_other", header, body) || localserver.VerifySignature("whsec_abc", header, []byte("{}")) {
		t.Error("a bad signature verifies")
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func object(t *testing.T, v any) map[string]any {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("want a JSON object, got %T", v)
	}
	return m
}

// The API reference: an endpoint registered without subscribed_events is
// answered with "subscribed_events": null; events set to [] read back as [].
func TestServer_endpointWithoutEvents(t *testing.T) {
	s, c := start(t, localserver.Options{})
	_, body := c.do("POST", "/webhooks/endpoints", key, `{"url": "https://none.example"}`)
	created := object(t, body["endpoint"])
	if v, ok := created["subscribed_events"]; !ok || v != nil {
		t.Errorf("create answer without events: subscribed_events = %#v (present %v), want null", v, ok)
	}
	inserted := s.InsertEndpoint(localserver.Endpoint{URL: "https://inserted.example"})
	_, body = c.do("POST", "/webhooks/endpoints", key, `{"url": "https://empty.example", "subscribed_events": []}`)
	emptyID := idOf(t, object(t, body["endpoint"]))

	events := listEvents(t, c, key)
	for _, id := range []string{idOf(t, created), inserted.ID} {
		if v, ok := events[id]; !ok || v != nil {
			t.Errorf("list: endpoint %v without events has subscribed_events = %#v, want null", id, v)
		}
	}
	if v, ok := events[emptyID].([]any); !ok || len(v) != 0 {
		t.Errorf("list: endpoint registered with [] has subscribed_events = %#v, want []", events[emptyID])
	}
	_, body = c.do("PUT", "/webhooks/endpoints/"+idOf(t, created), key, `{"subscribed_events": []}`)
	if v, ok := object(t, body["endpoint"])["subscribed_events"].([]any); !ok || len(v) != 0 {
		t.Errorf("update to []: subscribed_events = %#v, want []", v)
	}
}

// listEvents lists the endpoints and returns each one's subscribed_events.
func listEvents(t *testing.T, c call, token string) map[string]any {
	t.Helper()
	status, body := c.do("GET", "/webhooks/endpoints", token, "")
	if status != 200 {
		t.Fatalf("list: %d %v", status, body)
	}
	out := map[string]any{}
	list, ok := body["endpoints"].([]any)
	if !ok {
		t.Fatalf("list answer without an endpoints array: %v", body)
	}
	for _, e := range list {
		obj := object(t, e)
		out[idOf(t, obj)] = obj["subscribed_events"]
	}
	return out
}

// Like the real service, the local server keeps test-mode and live-mode
// endpoints apart: a key sees, changes and tests only those of its own mode.
func TestServer_modesAreSeparate(t *testing.T) {
	const live = "rt_live_server_key_456"
	s, c := start(t, localserver.Options{APIKeys: []string{key, live}})
	_, body := c.do("POST", "/webhooks/endpoints", key, `{"url": "https://test-mode.example"}`)
	testID := idOf(t, object(t, body["endpoint"]))
	_, body = c.do("POST", "/webhooks/endpoints", live, `{"url": "https://live-mode.example"}`)
	liveEndpoint := object(t, body["endpoint"])
	if liveEndpoint["livemode"] != true {
		t.Errorf("an endpoint made with a live key: livemode = %v", liveEndpoint["livemode"])
	}
	liveID := idOf(t, liveEndpoint)

	if got := listEvents(t, c, live); len(got) != 1 || got[liveID] != nil {
		t.Errorf("live key lists %v, want only %s", got, liveID)
	}
	if got := listEvents(t, c, key); len(got) != 1 {
		t.Errorf("test key lists %v, want only %s", got, testID)
	}
	for _, req := range []struct{ method, path, body string }{
		{"PUT", "/webhooks/endpoints/" + testID, `{"active": false}`},
		{"POST", "/webhooks/endpoints/" + testID + "/test", ""},
		{"DELETE", "/webhooks/endpoints/" + testID, ""},
	} {
		if status, _ := c.do(req.method, req.path, live, req.body); status != 404 {
			t.Errorf("%s %s with the live key: %d, want 404", req.method, req.path, status)
		}
	}
	if e, ok := s.Endpoint(testID); !ok || !e.Active {
		t.Errorf("the live key changed a test-mode endpoint: %+v, %v", e, ok)
	}
}

// With a state file, the endpoints survive a restart, secrets and all, and
// every write replaces the file whole.
func TestServer_stateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	first, c := start(t, localserver.Options{})
	if err := first.UseStateFile(path); err != nil {
		t.Fatal(err)
	}
	_, body := c.do("POST", "/webhooks/endpoints", key, `{"url": "https://kept.example", "subscribed_events": ["a"]}`)
	kept := object(t, body["endpoint"])
	_, body = c.do("POST", "/webhooks/endpoints", key, `{"url": "https://gone.example"}`)
	c.do("DELETE", "/webhooks/endpoints/"+idOf(t, object(t, body["endpoint"])), key, "")
	c.do("PUT", "/webhooks/endpoints/"+idOf(t, kept), key, `{"description": "changed"}`)
	c.do("POST", "/webhooks/endpoints", key, `{"url": "https://no-events.example"}`)

	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("state file mode %v, want 0600: it holds signing secrets", perm)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the directory holds %d files, want only the state file (no temporary files left)", len(entries))
	}

	second, c2 := start(t, localserver.Options{})
	if err := second.UseStateFile(path); err != nil {
		t.Fatal(err)
	}
	before, _ := json.Marshal(first.Endpoints())
	after, _ := json.Marshal(second.Endpoints())
	if string(before) != string(after) {
		t.Errorf("after a restart:\n got %s\nwant %s", after, before)
	}
	got, _ := second.Endpoint(idOf(t, kept))
	if got.Secret != kept["secret"] || got.Description != "changed" {
		t.Errorf("restored endpoint %+v", got)
	}
	// The restarted server serves them, and its writes are saved too.
	if events := listEvents(t, c2, key); len(events) != 2 {
		t.Errorf("the restarted server lists %v", events)
	}
	c2.do("DELETE", "/webhooks/endpoints/"+idOf(t, kept), key, "")
	third := localserver.New(localserver.Options{APIKeys: []string{key}})
	if err := third.UseStateFile(path); err != nil {
		t.Fatal(err)
	}
	if n := len(third.Endpoints()); n != 1 {
		t.Errorf("after a delete and a restart: %d endpoints, want 1", n)
	}
}

func TestServer_stateFileRefusesGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	for _, content := range []string{"not json", `{"version": 99, "endpoints": []}`, `{"version": 1, "endpoints": [{}]}`} {
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s := localserver.New(localserver.Options{APIKeys: []string{key}})
		if err := s.UseStateFile(path); err == nil {
			t.Errorf("state file %q was accepted", content)
		}
		if data, _ := os.ReadFile(path); string(data) != content {
			t.Errorf("a refused state file was overwritten: %q", data)
		}
	}
}

// idOf is the id of an endpoint object from an answer.
func idOf(t *testing.T, obj map[string]any) string {
	t.Helper()
	id, ok := obj["id"].(string)
	if !ok {
		t.Fatalf("no string id in %v", obj)
	}
	return id
}
