package retivo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// listBody is a list answer of n endpoints, as the API sends it.
func listBody(b *testing.B, n int) []byte {
	b.Helper()
	endpoints := make([]map[string]any, n)
	for i := range endpoints {
		endpoints[i] = map[string]any{
			"id": fmt.Sprintf("we_%024d", i), "url": fmt.Sprintf("https://hooks.example.com/retivo/%d", i),
			"description": "orders to the warehouse", "subscribed_events": []string{"order.paid", "order.created"},
			"active": true, "created_at": "2026-11-29T12:00:00.000000Z", "updated_at": "2026-11-29T12:00:00.000000Z",
			"object": "webhook_endpoint", "livemode": false, "metadata": map[string]string{},
		}
	}
	data, err := json.Marshal(map[string]any{"endpoints": endpoints})
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkListEndpoints1000 is the client's hot path in a refresh: one list
// answer of 1,000 endpoints, read and decoded.
func BenchmarkListEndpoints1000(b *testing.B) {
	body := listBody(b, 1000)
	client, err := New(Config{BaseURL: "https://retivo.test/api", APIKey: "rt_test_bench_key",
		HTTPClient: &http.Client{Transport: stubTransport{status: 200, body: body}}})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.ListEndpoints(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshotFind is what each resource's read costs once the shared
// snapshot of 1,000 endpoints is there.
func BenchmarkSnapshotFind(b *testing.B) {
	body := listBody(b, 1000)
	client, err := New(Config{BaseURL: "https://retivo.test/api", APIKey: "rt_test_bench_key",
		HTTPClient: &http.Client{Transport: stubTransport{status: 200, body: body}}, SnapshotMaxAge: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := client.Endpoints(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := fmt.Sprintf("we_%024d", i%1000)
		if lookup, err := client.FindEndpoint(ctx, id); err != nil || !lookup.Found {
			b.Fatalf("%s: %v %v", id, lookup.Found, err)
		}
		i++
	}
}
