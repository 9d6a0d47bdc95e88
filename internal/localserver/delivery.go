package localserver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"syscall"
)

// Headers of a test delivery.
const (
	SignatureHeader = "Retivo-Signature"
	EventIDHeader   = "Retivo-Event-Id"
	TestEventType   = "webhook_endpoint.test"
)

// TestEvent is the JSON body of a test delivery.
type TestEvent struct {
	ID        string `json:"id"`
	Type      string `json:"type"`
	CreatedAt string `json:"created_at"`
	Data      struct {
		EndpointID string `json:"endpoint_id"`
	} `json:"data"`
}

type testResult struct {
	Success    bool   `json:"success"`
	Status     int    `json:"status"`
	StatusText string `json:"status_text"`
	Error      string `json:"error"`
}

func (s *Server) handleTest(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	e, ok := s.store.find(id, isLive(r))
	var target *Endpoint
	if ok {
		target = e.clone()
	}
	now := s.opts.Now().UTC()
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("webhook endpoint %q not found", id))
		return
	}

	event := TestEvent{ID: "evt_" + randomHex(12), Type: TestEventType, CreatedAt: now.Format(timeFormat)}
	event.Data.EndpointID = target.ID
	body, _ := json.Marshal(event)
	result := s.deliver(r.Context(), target, body, now.Unix())
	writeJSON(w, http.StatusOK, map[string]any{"test": result})
}

// deliver POSTs a signed event to the endpoint's URL and reports what the
// receiver answered. The error texts name the failure class without timings,
// so two deliveries to the same receiver report the same thing.
func (s *Server) deliver(ctx context.Context, e *Endpoint, body []byte, timestamp int64) testResult {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return testResult{Error: "the endpoint URL cannot be requested"}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Retivo-Webhooks/1.0")
	req.Header.Set(SignatureHeader, Sign(e.Secret, timestamp, body))
	var event TestEvent
	_ = json.Unmarshal(body, &event)
	req.Header.Set(EventIDHeader, event.ID)

	resp, err := s.delivery.Do(req)
	if err != nil {
		return testResult{Error: s.describeDeliveryError(err)}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	result := testResult{
		Success:    resp.StatusCode >= 200 && resp.StatusCode < 300,
		Status:     resp.StatusCode,
		StatusText: http.StatusText(resp.StatusCode),
	}
	if !result.Success {
		result.Error = fmt.Sprintf("the endpoint answered HTTP %d", resp.StatusCode)
	}
	return result
}

func (s *Server) describeDeliveryError(err error) string {
	var netErr net.Error
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dnsErr):
		return "the endpoint's host name could not be resolved"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Sprintf("no answer within %s", s.opts.DeliveryTimeout)
	case errors.Is(err, context.Canceled):
		return "the delivery was cancelled"
	default:
		return "the delivery failed: " + err.Error()
	}
}

// Sign returns the Retivo-Signature header value for a delivery:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by the secret>".
func Sign(secret string, timestamp int64, body []byte) string {
	return "t=" + strconv.FormatInt(timestamp, 10) + ",v1=" + signature(secret, timestamp, body)
}

func signature(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a Retivo-Signature header against a body and secret,
// the way a receiver would.
func VerifySignature(secret, header string, body []byte) bool {
	var timestamp int64
	var got string
	for _, part := range bytes.Split([]byte(header), []byte(",")) {
		key, value, ok := bytes.Cut(part, []byte("="))
		if !ok {
			return false
		}
		switch string(key) {
		case "t":
			t, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil {
				return false
			}
			timestamp = t
		case "v1":
			got = string(value)
		}
	}
	want := signature(secret, timestamp, body)
	return got != "" && hmac.Equal([]byte(got), []byte(want))
}
