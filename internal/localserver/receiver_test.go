package localserver_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// Many large deliveries keep the receiver within its bounds: the newest
// ReceiverMaxDeliveries, each at most ReceiverMaxBodyBytes.
func TestReceiver_bounded(t *testing.T) {
	receiver := localserver.NewReceiver()
	ts := httptest.NewServer(receiver)
	t.Cleanup(ts.Close)
	send := func(body []byte) (int, error) {
		resp, err := http.Post(ts.URL+"/receiver/hook", "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	// sized returns a body of n bytes that starts with a number.
	sized := func(i, n int) []byte {
		body := bytes.Repeat([]byte("x"), n)
		copy(body, fmt.Sprintf("%06d", i))
		return body
	}

	const sent = localserver.ReceiverMaxDeliveries + 50
	for i := range sent {
		if status, err := send(sized(i, localserver.ReceiverMaxBodyBytes)); err != nil || status != 200 {
			t.Fatalf("delivery %d at the size limit: %d, %v", i, status, err)
		}
	}
	if status, err := send(sized(-1, localserver.ReceiverMaxBodyBytes+1)); err != nil || status != 413 {
		t.Errorf("a body over the limit: %d, %v; want 413", status, err)
	}
	// A much larger body may be cut off before it is all sent: either a 413
	// or a broken connection, and nothing kept.
	for range 5 {
		if status, err := send(sized(-1, 1<<20)); err == nil && status != 413 {
			t.Errorf("a 1 MiB body: %d, want 413", status)
		}
	}

	deliveries := receiver.Deliveries()
	if len(deliveries) != localserver.ReceiverMaxDeliveries {
		t.Errorf("%d deliveries kept, want %d", len(deliveries), localserver.ReceiverMaxDeliveries)
	}
	total := 0
	for _, d := range deliveries {
		total += len(d.Body)
	}
	if limit := localserver.ReceiverMaxDeliveries * localserver.ReceiverMaxBodyBytes; total > limit {
		t.Errorf("%d body bytes kept, want at most %d", total, limit)
	}
	if got, want := string(deliveries[0].Body[:6]), fmt.Sprintf("%06d", sent-localserver.ReceiverMaxDeliveries); got != want {
		t.Errorf("oldest kept delivery is %s, want %s: the newest must be kept", got, want)
	}
	if got, want := string(deliveries[len(deliveries)-1].Body[:6]), fmt.Sprintf("%06d", sent-1); got != want {
		t.Errorf("newest kept delivery is %s, want %s", got, want)
	}
	if n := receiver.Received(); n != sent {
		t.Errorf("Received() = %d, want %d", n, sent)
	}
	if n := receiver.Dropped(); n != sent-localserver.ReceiverMaxDeliveries {
		t.Errorf("Dropped() = %d, want %d", n, sent-localserver.ReceiverMaxDeliveries)
	}
}
