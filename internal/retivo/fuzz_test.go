package retivo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
	"unicode/utf8"
)

// stubTransport answers every request with one fixed status and body.
type stubTransport struct {
	status int
	body   []byte
}

func (s stubTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: s.status,
		Header:     http.Header{"Content-Type": {"application/json"}},
		Body:       io.NopCloser(bytes.NewReader(s.body)),
		Request:    req,
	}, nil
}

// FuzzClientAnswers feeds arbitrary answers to every call: the client must
// never panic, must return either a result or an *Error, and its error text
// must stay readable and bounded.
func FuzzClientAnswers(f *testing.F) {
	f.Add(200, []byte(`{"endpoints": [{"id": "we_1", "url": "https://a", "active": true}]}`))
	f.Add(201, []byte(`{"endpoint": {"id": "we_1", "secret": "whsec_x", "subscribed_events": ["a"]}}`))
	f.Add(200, []byte(`{"test": {"success": false, "status": 500, "status_text": "x", "error": "y"}}`))
	f.Add(200, []byte(`{"deleted": true}`))
	f.Add(403, []byte(`{"error": "limit", "upgrade_to": "pro"}`))
	f.Add(502, []byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
	f.Add(200, []byte(`{"endpoints": null}`))
	f.Add(200, []byte(`{"endpoints": [{"id": 7}]}`))
	f.Add(500, []byte{})
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 999 || (status >= 300 && status < 400) {
			return // not an answer net/http would hand over
		}
		client, err := New(Config{
			BaseURL: "https://retivo.test/api", APIKey: "rt_test_fuzzing_key",
			HTTPClient: &http.Client{Transport: stubTransport{status: status, body: body}},
			Clock:      newFakeClock(20), // a 429 is waited out until this "deadline"
		})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		calls := []func() (any, error){
			func() (any, error) { return client.ListEndpoints(ctx) },
			func() (any, error) { return client.createOnce(ctx, CreateEndpointRequest{URL: "https://a"}, "fuzz") },
			func() (any, error) { return client.UpdateEndpoint(ctx, "we_1", UpdateEndpointRequest{}) },
			func() (any, error) { return nil, client.DeleteEndpoint(ctx, "we_1") },
			func() (any, error) { return client.TestEndpoint(ctx, "we_1") },
		}
		for _, call := range calls {
			_, err := call()
			if err == nil {
				continue
			}
			var apiErr *Error
			if !errors.As(err, &apiErr) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			text := err.Error()
			if !utf8.ValidString(text) {
				t.Fatalf("error text is not valid UTF-8: %q", text)
			}
			if utf8.RuneCountInString(apiErr.Message) > maxExcerpt+1 {
				t.Fatalf("message of %d runes", utf8.RuneCountInString(apiErr.Message))
			}
			if bytes.Contains([]byte(text), []byte("rt_test_fuzzing_key")) {
				t.Fatal("error text contains the API key")
			}
		}
	})
}

// FuzzParseErrorBody checks the error-body parser alone, with any status.
func FuzzParseErrorBody(f *testing.F) {
	f.Add(404, []byte(`{"error": "webhook endpoint \"we_1\" not found"}`))
	f.Add(429, []byte(`{"error": 42}`))
	f.Add(502, []byte("<!DOCTYPE html><html><head><title>502</title><style>p{}</style></head></html>"))
	f.Add(500, []byte("\xff\xfe\x00garbage"))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		header := http.Header{"Retry-After": {strconv.Itoa(status)}}
		apiErr := parseErrorBody("GET", "/webhooks/endpoints", status, header, body, NewRedactor(), time.Now())
		text := apiErr.Error()
		if !utf8.ValidString(text) || !utf8.ValidString(apiErr.UpgradeTo) {
			t.Fatalf("not valid UTF-8: %q", text)
		}
		if utf8.RuneCountInString(apiErr.Message) > maxExcerpt+1 || utf8.RuneCountInString(apiErr.UpgradeTo) > maxExcerpt+1 {
			t.Fatalf("unbounded message: %d runes", utf8.RuneCountInString(apiErr.Message))
		}
		_ = apiErr.Kind().String()
	})
}

// FuzzParseRetryAfter checks the Retry-After parser: never negative.
func FuzzParseRetryAfter(f *testing.F) {
	for _, seed := range []string{"0", "120", "-1", "Fri, 31 Dec 1999 23:59:59 GMT", "Sun, 29 Nov 2026 12:00:00 GMT", "1e9", "99999999999999999999"} {
		f.Add(seed)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, value string) {
		if d, ok := parseRetryAfter(value, now); ok && d < 0 {
			t.Fatalf("parseRetryAfter(%q) = %v", value, d)
		}
	})
}
