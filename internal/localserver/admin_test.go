package localserver_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

const adminToken = "admin-token-for-tests-0123456789"

// adminCall sends a request to an admin route and decodes its JSON answer,
// if any.
func adminCall(t *testing.T, root, method, path, token, contentType, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, root+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set(localserver.AdminTokenHeader, token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if strings.Contains(string(data), adminToken) {
		t.Errorf("%s %s: the answer quotes the admin token: %s", method, path, data)
	}
	var out map[string]any
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("%s %s answered %d with a body that is not JSON: %q", method, path, resp.StatusCode, data)
		}
	}
	return resp.StatusCode, out
}

func startAdmin(t *testing.T) (*localserver.Server, call, string) {
	t.Helper()
	s, c := start(t, localserver.Options{Admin: true, AdminToken: adminToken})
	t.Cleanup(func() { s.ReleaseAll() }) // runs before the HTTP server's Close
	return s, c, strings.TrimSuffix(c.base, s.PathPrefix())
}

func TestServer_adminNeedsAToken(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted Admin without an AdminToken")
		}
	}()
	localserver.New(localserver.Options{APIKeys: []string{key}, Admin: true})
}

func TestServer_adminTokenAndContentType(t *testing.T) {
	s, _, root := startAdmin(t)
	const json = "application/json"
	routes := []struct{ method, path, body string }{
		{"GET", "/_admin/stats", ""},
		{"DELETE", "/_admin/stats", ""},
		{"POST", "/_admin/faults", `{"status": 503}`},
		{"DELETE", "/_admin/faults", ""},
		{"POST", "/_admin/faults/release", `{"all": true}`},
		{"PUT", "/_admin/latency", `{"latency": "0s"}`},
	}
	for _, r := range routes {
		for _, token := range []string{"", "wrong-token-0123456789", adminToken[:len(adminToken)-1], key} {
			status, body := adminCall(t, root, r.method, r.path, token, json, r.body)
			if status != 401 || body["error"] == nil {
				t.Errorf("%s %s with token %q: %d %v, want 401 with an error", r.method, r.path, token, status, body)
			}
		}
		if r.method == "POST" || r.method == "PUT" {
			for _, contentType := range []string{"", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"} {
				status, body := adminCall(t, root, r.method, r.path, adminToken, contentType, r.body)
				if status != 415 || body["error"] == nil {
					t.Errorf("%s %s as %q: %d %v, want 415 with an error", r.method, r.path, contentType, status, body)
				}
			}
		}
	}
	if n := len(s.Endpoints()); n != 0 || s.Injected() != 0 {
		t.Fatal("a refused admin call changed the server")
	}
	for _, r := range routes {
		if status, body := adminCall(t, root, r.method, r.path, adminToken, json+"; charset=utf-8", r.body); status >= 300 {
			t.Errorf("%s %s with the token: %d %v", r.method, r.path, status, body)
		}
	}
	if status, body := adminCall(t, root, "POST", "/_admin/faults", adminToken, json, `{"hold ": true}`); status != 400 {
		t.Errorf("a fault with an unknown field: %d %v, want 400", status, body)
	}
}

// A cross-origin page must get a preflight through before it can send the
// token header or a JSON body; the server approves none.
func TestServer_adminApprovesNoPreflight(t *testing.T) {
	_, _, root := startAdmin(t)
	for _, path := range []string{"/_admin/faults", "/_admin/stats", "/_admin/faults/release", "/_admin/latency"} {
		req, _ := http.NewRequest("OPTIONS", root+path, nil)
		req.Header.Set("Origin", "https://page.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type, "+localserver.AdminTokenHeader)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for name := range resp.Header {
			if strings.HasPrefix(strings.ToLower(name), "access-control-") {
				t.Errorf("OPTIONS %s: answered with %s", path, name)
			}
		}
		if resp.StatusCode < 300 {
			t.Errorf("OPTIONS %s: %d, want an error status", path, resp.StatusCode)
		}
	}
}

func TestServer_adminFaultsHoldAndRelease(t *testing.T) {
	s, c, root := startAdmin(t)
	fault := `{"route": "` + localserver.RouteCreate + `", "hold": true, "times": 2}`
	if status, body := adminCall(t, root, "POST", "/_admin/faults", adminToken, "application/json", fault); status != 204 {
		t.Fatalf("add fault: %d %v", status, body)
	}
	results := make(chan int, 2)
	for range 2 {
		go func() { results <- post(c, `{"url": "https://a.example"}`) }()
	}
	waitHeld(t, s, 2)
	if _, body := adminCall(t, root, "GET", "/_admin/stats", adminToken, "", ""); body["held"] != 2.0 {
		t.Errorf("stats: %v, want held 2", body)
	}
	_, body := adminCall(t, root, "POST", "/_admin/faults/release", adminToken, "application/json", `{"count": 1}`)
	if body["released"] != 1.0 {
		t.Errorf("release 1: %v", body)
	}
	if status := receive(t, results); status != 201 {
		t.Errorf("released create: %d, want 201", status)
	}
	_, body = adminCall(t, root, "POST", "/_admin/faults/release", adminToken, "application/json", `{"all": true}`)
	if body["released"] != 1.0 {
		t.Errorf("release all: %v", body)
	}
	if status := receive(t, results); status != 201 {
		t.Errorf("released create: %d, want 201", status)
	}
	for _, bad := range []string{`{}`, `{"count": 0}`, `{"count": -1}`, `{"count": 1, "all": true}`} {
		if status, _ := adminCall(t, root, "POST", "/_admin/faults/release", adminToken, "application/json", bad); status != 400 {
			t.Errorf("release %s: %d, want 400", bad, status)
		}
	}
}

func TestServer_adminLatency(t *testing.T) {
	_, _, root := startAdmin(t)
	for _, bad := range []string{`{"latency": "soon"}`, `{"latency": "-1s"}`, `{}`, `"20ms"`} {
		if status, _ := adminCall(t, root, "PUT", "/_admin/latency", adminToken, "application/json", bad); status != 400 {
			t.Errorf("latency %s: %d, want 400", bad, status)
		}
	}
}

// post creates an endpoint with the test key and returns the status, or 0
// when the connection failed.
func post(c call, body string) int {
	req, err := http.NewRequest("POST", c.base+"/webhooks/endpoints", strings.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitHeld waits until the server holds n requests, failing the test after
// a generous time.
func waitHeld(t *testing.T, s *localserver.Server, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.WaitHeld(ctx, n); err != nil {
		t.Fatal(err)
	}
}

// receive takes the next result, failing the test after a generous time.
func receive[T any](t *testing.T, results <-chan T) T {
	t.Helper()
	select {
	case r := <-results:
		return r
	case <-time.After(30 * time.Second):
		t.Fatal("no result within 30s")
		var zero T
		return zero
	}
}
