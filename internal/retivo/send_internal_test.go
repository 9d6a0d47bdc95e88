package retivo

import (
	"context"
	"testing"
	"time"
)

// A configured cap below the pacer's floor must stay the cap after a rate
// limit: the user said "at most 0.1 a second".
func TestSend_pacerRateLimitNeverRaisesAboveTheCap(t *testing.T) {
	clock := newFakeClock(0)
	p := newPacer(clock, 0.1)
	p.limited()
	if got := p.limiter.Limit(); got > 0.1 {
		t.Errorf("after a 429 a pacer capped at 0.1/s runs at %v/s: above the configured cap", got)
	}
	// and it really lets requests through faster than the cap
	start := clock.Now()
	for range 3 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := clock.Now().Sub(start); elapsed < 19900*time.Millisecond {
		t.Errorf("3 requests at a 0.1/s cap took %s after a 429 (want about 20s)", elapsed)
	}
}

// A Retry-After above RetryWaitMax is cut to it, but keeps its jitter:
// clients told the same thing do not all come back at once.
func TestSend_longRetryAfterKeepsItsJitter(t *testing.T) {
	seen := map[time.Duration]bool{}
	for range 50 {
		seen[retryAfterWithJitter(60*time.Second, DefaultRetryWaitMax)] = true
	}
	t.Logf("Retry-After 60s with RetryWaitMax 30s waits: %v", seen)
	if len(seen) == 1 {
		t.Errorf("50 clients told Retry-After: 60 all wait exactly the same %v (no jitter), before the server's time", seen)
	}
}

// A client whose last second saw 100+ answers is slowed to that rate on a
// 429, and the next normal answer does not release it to unlimited.
func TestSend_pacerKeepsPacingAtHighRates(t *testing.T) {
	clock := newFakeClock(0)
	p := newPacer(clock, 0)
	for range 120 {
		p.answeredNormally()
	}
	p.limited()
	t.Logf("after the 429: %v", p.limiter.Limit())
	_ = clock.Sleep(context.Background(), 10*time.Millisecond)
	p.answeredNormally()
	t.Logf("10 ms and one normal answer later: %v", p.limiter.Limit())
	if p.limiter.Limit() > 121 {
		t.Errorf("the pacer stopped pacing 10 ms after a 429")
	}
}
