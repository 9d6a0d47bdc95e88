package provider

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// What a user sees when a data source's deadline ends while the client
// waits out a 503 with Retry-After (which send treats as a rate limit), or
// while its own pacer holds it at max_requests_per_second.
func TestDescribeAPIError_rateLimitDiagnostics(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("ok") != "" || strings.HasSuffix(r.Header.Get("User-Agent"), "ok") {
			_, _ = w.Write([]byte(`{"endpoints":[]}`))
			return
		}
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(503)
		_, _ = w.Write([]byte(`{"error":"maintenance"}`))
	}))
	defer srv.Close()
	c, err := retivo.New(retivo.Config{BaseURL: srv.URL + "/api", APIKey: "rt_test_client_0123456789"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err = c.ListEndpoints(ctx)
	summary, detail := describeAPIError(dataSourceRead, "read the webhook endpoints", err)
	t.Logf("503+Retry-After until the deadline:\n%s\n%s", summary, detail)
	if summary != "Retivo rate limit" {
		t.Errorf("a 503+Retry-After waited out until the deadline shows %q, without the rate-limit advice", summary)
	}

	okSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"endpoints":[]}`))
	}))
	defer okSrv.Close()
	capped, err := retivo.New(retivo.Config{BaseURL: okSrv.URL + "/api", APIKey: "rt_test_client_0123456789",
		MaxRequestsPerSecond: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	_, _ = capped.ListEndpoints(context.Background())
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	_, err = capped.ListEndpoints(ctx2)
	summary, detail = describeAPIError(dataSourceRead, "read the webhook endpoints", err)
	t.Logf("held by max_requests_per_second until the deadline:\n%s\n%s", summary, detail)
	if !strings.Contains(detail, "max_requests_per_second") {
		t.Errorf("a call held by the cap until its deadline does not name max_requests_per_second")
	}
}
