package retivo

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// A capped pacer spaces requests at the cap, on the client's clock.
func TestPacer_capSpacesRequests(t *testing.T) {
	clock := newFakeClock(0)
	p := newPacer(clock, 2)
	start := clock.Now()
	for range 11 {
		if err := p.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if elapsed := clock.Now().Sub(start); elapsed < 5*time.Second || elapsed > 5200*time.Millisecond {
		t.Errorf("11 requests at 2 a second took %s, want 5s (the first goes at once)", elapsed)
	}
}

// A rate limit sets the rate to what the account granted in the last
// second, once an episode; time without one brings the rate back, and an
// uncapped pacer stops pacing altogether.
func TestPacer_slowsOnRateLimitsAndRecovers(t *testing.T) {
	clock := newFakeClock(0)
	p := newPacer(clock, 0)
	for range 6 {
		p.answeredNormally() // granted: 6 in the last second
	}
	p.limited()
	if got := p.limiter.Limit(); got != 6 {
		t.Fatalf("after a rate limit the rate is %v, want the 6 granted", got)
	}
	p.limited() // the same episode
	if got := p.limiter.Limit(); got != 6 {
		t.Errorf("a second rate limit of the same episode changed the rate to %v", got)
	}
	_ = clock.Sleep(context.Background(), 2*time.Second)
	p.answeredNormally()
	if got := p.limiter.Limit(); got != 8 {
		t.Errorf("two seconds later the rate is %v, want 8 (one more a second)", got)
	}
	_ = clock.Sleep(context.Background(), 2*time.Minute)
	p.answeredNormally()
	if got := p.limiter.Limit(); got != rate.Inf {
		t.Errorf("two minutes later the rate is %v, want no limit", got)
	}
	_ = clock.Sleep(context.Background(), 2*time.Second) // a new episode, nothing granted lately
	p.limited()
	if got := p.limiter.Limit(); got != pacerFloor {
		t.Errorf("a rate limit with nothing granted in the last second gave %v, want the floor %v", got, pacerFloor)
	}
}

// A request waiting for the pacer starts sooner when the rate rises
// meanwhile, and gives up when its caller's context ends.
func TestPacer_waitFollowsTheRateAndTheContext(t *testing.T) {
	clock := newFakeClock(0)
	p := newPacer(clock, 0)
	p.limited() // nothing granted: the floor, one request every 2 s
	if err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.wait(ctx); err == nil {
		t.Error("a wait whose context has ended went on")
	}
	deadline := newFakeClock(3) // three rechecks, then the "deadline"
	q := newPacer(deadline, 0)
	q.limited()
	_ = q.wait(context.Background())
	if err := q.wait(context.Background()); err == nil {
		t.Error("a wait at 0.5 a second passed three 100 ms rechecks")
	}
}
