package retivo

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	tests := map[string]struct {
		value string
		want  time.Duration
		ok    bool
	}{
		"seconds":      {"3", 3 * time.Second, true},
		"zero":         {"0", 0, true},
		"http date":    {now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		"past date":    {now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		"negative":     {"-4", 0, false},
		"garbage":      {"soon", 0, false},
		"empty":        {"", 0, false},
		"float":        {"1.5", 0, false},
		"leading plus": {"+3", 0, false},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, ok := parseRetryAfter(tc.value, now)
			if got != tc.want || ok != tc.ok {
				t.Errorf("parseRetryAfter(%q) = %v, %v; want %v, %v", tc.value, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestBackoff_honoursRetryAfterUpToTheCap(t *testing.T) {
	if got := retryAfterWithJitter(120*time.Second, 10*time.Second); got < 10*time.Second || got >= 15*time.Second {
		t.Errorf("Retry-After 120 with a 10s cap waited %v, outside [10s, 15s)", got)
	}
	// Retry-After 2 waits 2 s plus jitter of up to half of it, different
	// each time, so that clients told the same thing spread out.
	waits := map[time.Duration]bool{}
	for range 20 {
		got := retryAfterWithJitter(2*time.Second, 10*time.Second)
		if got < 2*time.Second || got >= 3*time.Second {
			t.Errorf("Retry-After 2 waited %v, outside [2s, 3s)", got)
		}
		waits[got] = true
	}
	if len(waits) < 10 {
		t.Errorf("20 waits after Retry-After 2 took only %d distinct values: no jitter", len(waits))
	}
	for nth := range 30 {
		got := backoff(100*time.Millisecond, 5*time.Second, nth)
		if got < 50*time.Millisecond || got > 5*time.Second {
			t.Errorf("retry %d waited %v, outside [50ms, 5s]", nth, got)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("abc ", 200)
	tests := map[string]string{
		"<html><body><h1>502 Bad Gateway</h1></body></html>": "502 Bad Gateway",
		"  line one\n\n\tline two  ":                         "line one line two",
		"\x00\x01bin\xffary":                                 "bin\uFFFDary",
	}
	for in, want := range tests {
		if got := excerpt(in); got != want {
			t.Errorf("excerpt(%q) = %q, want %q", in, got, want)
		}
	}
	if got := []rune(excerpt(long)); len(got) != maxExcerpt+1 {
		t.Errorf("long excerpt has %d runes, want %d", len(got), maxExcerpt+1)
	}
}

// Values the redactor is told about are masked whatever their shape: the
// secret here has no prefix that the shape rules would mask anyway.
func TestRedactor(t *testing.T) {
	r := NewRedactor("rt_test_secretkey")
	r.Add("plain-Secret-Value")
	r.Add("short")
	got := r.Redact("key rt_test_secretkey and plain-Secret-Value but short stays")
	if want := "key *** and *** but short stays"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

type recordingLogger struct {
	msgs   []string
	fields []map[string]any
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.msgs = append(l.msgs, msg)
	l.fields = append(l.fields, fields)
}

// The per-attempt log never carries the API key or a secret the client
// was told about, in the message or in any field; the secret here has no
// prefix that the shape rules would mask anyway.
func TestClient_attemptLogMasksSecrets(t *testing.T) {
	logger := &recordingLogger{}
	c, err := New(Config{BaseURL: "https://retivo.test/api", APIKey: "rt_test_the_api_key_value", Logger: logger,
		HTTPClient: &http.Client{Transport: failingTransport{}}})
	if err != nil {
		t.Fatal(err)
	}
	c.MaskSecret("plain-Signing-Secret")
	if _, err := c.ListEndpoints(context.Background()); err == nil {
		t.Fatal("want the transport's error")
	}
	if len(logger.fields) != 1 {
		t.Fatalf("%d entries logged, want 1 (a failure that proves nothing was sent is retried only with MaxRetries)", len(logger.fields))
	}
	text := fmt.Sprint(logger.msgs, logger.fields)
	if !strings.Contains(text, "method:GET") || !strings.Contains(text, Mask) {
		t.Fatalf("the entry lacks the method or the mask: %s", text)
	}
	for _, secret := range []string{"the_api_key_value", "plain-Signing-Secret"} {
		if strings.Contains(text, secret) {
			t.Errorf("the log entry contains %q: %s", secret, text)
		}
	}
}

// failingTransport fails with an error that echoes secrets.
type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("proxy echoed: Bearer rt_test_the_api_key_value and plain-Signing-Secret")
}
