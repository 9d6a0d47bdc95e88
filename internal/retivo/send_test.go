package retivo_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// a3Server is a hostileServer whose answer learns how many requests of its
// "METHOD path" came so far, this one included.
type a3Server struct{ *hostileServer }

func newA3Server(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *a3Server {
	t.Helper()
	s := &a3Server{}
	s.hostileServer = newHostileServer(t, func(w http.ResponseWriter, r *http.Request) {
		answer(s.n(r.Method+" "+r.URL.EscapedPath()), w, r)
	})
	return s
}

// n is how many requests of "METHOD path" came.
func (s *a3Server) n(key string) int {
	n := 0
	for _, line := range s.requestLines() {
		if line == key {
			n++
		}
	}
	return n
}

// client is a client of the server with cfg's retry waits as given
// (hostileServer.client shortens them).
func (s *a3Server) client(t *testing.T, cfg retivo.Config) *retivo.Client {
	t.Helper()
	cfg.BaseURL = s.server.URL + "/api"
	cfg.APIKey = testKey
	c, err := retivo.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const a3List = "GET /api/webhooks/endpoints"
const a3Create = "POST /api/webhooks/endpoints"

// a3Truncated answers status with a Content-Length longer than the body it
// sends, then closes: the client reads the status but not the whole body.
func a3Truncated(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", "1000")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"error":"par`))
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// a3Drop reads the request and closes the connection without answering.
func a3Drop(w http.ResponseWriter) {
	hj := w.(http.Hijacker)
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// A 503 with Retry-After is waited out like a 429; when the deadline ends
// the wait, the error should be classed as a rate limit (the provider's
// rate-limit advice keys on KindRateLimited).
func TestSend_503RetryAfterDeadlineIsKindRateLimited(t *testing.T) {
	s := newA3Server(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		jsonAnswer(503, `{"error":"maintenance"}`)(w, nil)
	})
	c := s.client(t, retivo.Config{MaxRetries: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	_, err := c.ListEndpoints(ctx)
	t.Logf("err = %v; kind %v; requests %d", err, retivo.KindOf(err), s.n(a3List))
	if !strings.Contains(fmt.Sprint(err), "rate limit") {
		t.Fatalf("expected the error to say it waited out a rate limit: %v", err)
	}
	if k := retivo.KindOf(err); k != retivo.KindRateLimited {
		t.Errorf("a 503+Retry-After waited out until the deadline is kind %v, not rate limited: "+
			"the provider shows 'Timed out' without the rate-limit advice", k)
	}
}

// A 503 without Retry-After is a fault, counted against MaxRetries.
func TestSend_503WithoutRetryAfterIsAFault(t *testing.T) {
	s := newA3Server(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		jsonAnswer(503, `{"error":"down"}`)(w, nil)
	})
	c := s.client(t, retivo.Config{MaxRetries: 2, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	_, err := c.ListEndpoints(context.Background())
	if got := s.n(a3List); got != 3 {
		t.Errorf("%d attempts, want 3 (1 + MaxRetries 2)", got)
	}
	if retivo.KindOf(err) != retivo.KindServerFault {
		t.Errorf("err kind %v: %v", retivo.KindOf(err), err)
	}
}

// A caller that shares a list flight with a longer-lived caller, and whose
// deadline ends while the flight waits out a rate limit, should learn that
// it was a rate limit, as the last caller of a flight does.
func TestSend_flightJoinerWhoLeavesFirstGetsRateLimit(t *testing.T) {
	s := newA3Server(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "1")
		jsonAnswer(429, `{"error":"slow down"}`)(w, nil)
	})
	c := s.client(t, retivo.Config{})
	long, cancelLong := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancelLong()
	done := make(chan error, 1)
	go func() { _, err := c.Endpoints(long); done <- err }()
	for i := 0; i < 200 && c.FlightWaiters() == 0; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	short, cancelShort := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancelShort()
	_, err := c.Endpoints(short)
	t.Logf("short caller: %v (kind %v)", err, retivo.KindOf(err))
	longErr := <-done
	t.Logf("long caller: %v (kind %v)", longErr, retivo.KindOf(longErr))
	if retivo.KindOf(err) != retivo.KindRateLimited {
		t.Errorf("the caller that left the flight first got kind %v (%v), not a rate limit; the last one got %v",
			retivo.KindOf(err), err, retivo.KindOf(longErr))
	}
}

// A call whose deadline ends while it waits in the pacer (slowed by other
// calls' 429s, or by the configured cap) should say so, not only
// "context deadline exceeded".
func TestSend_deadlineInThePacerNamesTheRateLimit(t *testing.T) {
	s := newA3Server(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		jsonAnswer(200, `{"endpoints":[]}`)(w, nil)
	})
	c := s.client(t, retivo.Config{MaxRequestsPerSecond: 0.2})
	if _, err := c.ListEndpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	_, err := c.ListEndpoints(ctx)
	t.Logf("err = %v (kind %v)", err, retivo.KindOf(err))
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "rate") && !strings.Contains(err.Error(), "pac") {
		t.Errorf("a call that spent its whole deadline held by the client's own rate cap says only %q", err)
	}
}

// A create answered 500 whose body is cut off must be as ambiguous as a 500
// read whole: MayHaveCommitted, as send's policy table says for a create's 5xx.
func TestSend_createFaultWithCutBodyMayHaveCommitted(t *testing.T) {
	for _, status := range []int{500, 502} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			for _, cut := range []bool{false, true} {
				s := newA3Server(t, func(_ int, w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodGet {
						jsonAnswer(200, `{"endpoints":[]}`)(w, nil)
						return
					}
					if cut {
						a3Truncated(w, status)
						return
					}
					jsonAnswer(status, `{"error":"boom"}`)(w, nil)
				})
				c := s.client(t, retivo.Config{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				_, err := c.CreateEndpoint(ctx, retivo.CreateEndpointRequest{URL: "https://example.com/h"})
				cancel()
				var leftover *retivo.LeftoverError
				apiErr, _ := retivo.AsError(err)
				t.Logf("cut=%v: %d POSTs; leftover error %v; MayHaveCommitted %v; err %v", cut, s.n(a3Create),
					errors.As(err, &leftover), apiErr != nil && apiErr.MayHaveCommitted, err)
				if !errors.As(err, &leftover) {
					t.Errorf("cut=%v: a create answered %d is not reported as possibly committed", cut, status)
				}
			}
		})
	}
}

// A list answered 429 whose body is cut off (or too large) is still a rate
// limit: the server did no work. It should be waited out, not returned.
func TestSend_rateLimitWithCutBodyIsWaitedOut(t *testing.T) {
	s := newA3Server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			w.Header().Set("Retry-After", "0")
			a3Truncated(w, 429)
			return
		}
		jsonAnswer(200, `{"endpoints":[]}`)(w, nil)
	})
	c := s.client(t, retivo.Config{MaxRetries: 0})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.ListEndpoints(ctx)
	t.Logf("%d requests; err %v", s.n(a3List), err)
	if err != nil {
		t.Errorf("a 429 whose body was cut off ended the call: %v", err)
	}
}

// Same for a 502 to a list (idempotent): a cut body is a transport fault a
// retry may not meet.
func TestSend_listFaultWithCutBodyIsRetried(t *testing.T) {
	s := newA3Server(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			a3Truncated(w, 502)
			return
		}
		jsonAnswer(200, `{"endpoints":[]}`)(w, nil)
	})
	c := s.client(t, retivo.Config{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := c.ListEndpoints(ctx)
	t.Logf("%d requests; err %v", s.n(a3List), err)
	if err != nil {
		t.Errorf("a 502 whose body was cut off was not retried: %v", err)
	}
}

// A test call is never sent twice once it may have reached the server:
// a dropped connection, a 500, a cut 200.
func TestSend_testCallNeverResent(t *testing.T) {
	for name, answer := range map[string]func(w http.ResponseWriter){
		"drop":   a3Drop,
		"500":    func(w http.ResponseWriter) { jsonAnswer(500, `{"error":"x"}`)(w, nil) },
		"cut200": func(w http.ResponseWriter) { a3Truncated(w, 200) },
		"502cut": func(w http.ResponseWriter) { a3Truncated(w, 502) },
	} {
		t.Run(name, func(t *testing.T) {
			s := newA3Server(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodGet {
					jsonAnswer(200, `{"endpoints":[]}`)(w, nil)
					return
				}
				answer(w)
			})
			c := s.client(t, retivo.Config{MaxRetries: 5, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
			// a list first so the test call goes over a reused keep-alive connection
			_, _ = c.ListEndpoints(context.Background())
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := c.TestEndpoint(ctx, "ep_1")
			if got := s.n("POST /api/webhooks/endpoints/ep_1/test"); got != 1 {
				t.Errorf("the test call was sent %d times (err %v)", got, err)
			}
			if apiErr, ok := retivo.AsError(err); !ok || !apiErr.MayHaveCommitted {
				t.Logf("note: err %v, MayHaveCommitted %v", err, ok && apiErr.MayHaveCommitted)
			}
		})
	}
}

// A refusal whose body is cut off in transit is still a refusal: a 4xx
// committed nothing, so a create answered so is neither resent nor taken
// for one that may have registered an endpoint, and a list is not retried.
func TestSend_cutRefusalIsNoFault(t *testing.T) {
	s := newA3Server(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		a3Truncated(w, http.StatusUnprocessableEntity)
	})
	c := s.client(t, retivo.Config{MaxRetries: 3, RetryWaitMin: time.Millisecond, RetryWaitMax: 5 * time.Millisecond})
	if _, err := c.ListEndpoints(context.Background()); err == nil {
		t.Fatal("a cut 422 to a list was taken")
	}
	if n := s.n(a3List); n != 1 {
		t.Errorf("a cut 422 to a list was sent %d times, want 1", n)
	}
	_, err := c.UpdateEndpoint(context.Background(), "we_a", retivo.UpdateEndpointRequest{})
	if apiErr, ok := retivo.AsError(err); !ok || apiErr.StatusCode != http.StatusUnprocessableEntity || apiErr.MayHaveCommitted {
		t.Errorf("a cut 422 to an update: %v", err)
	}
}
