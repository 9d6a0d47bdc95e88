package localserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
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
