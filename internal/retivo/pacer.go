package retivo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The pacer spaces a client's requests so that the parallel resources of
// one provider process do not stampede a rate-limited account. It starts
// unlimited (or at the configured cap). A rate-limit answer sets the
// client's rate to what the account granted it in the last second (its
// requests answered otherwise), at most once per pacerEpisode, since the
// answers of one overload arrive together; the request that got it waits
// out its Retry-After on its own. Time without one raises the rate again
// by pacerRecovery a second, back to the cap (or to unlimited). Processes
// sharing an account each settle near the share they are granted this way,
// without knowing of each other.
type pacer struct {
	clock   Clock
	ceiling rate.Limit // the configured cap, or rate.Inf

	mu        sync.Mutex
	limiter   *rate.Limiter
	answered  []time.Time // answers but rate limits, in the last second
	raised    time.Time   // when the rate was last raised
	lowered   time.Time   // when the rate was last lowered
	loweredTo rate.Limit  // the rate it was lowered to
	limitedAt time.Time   // when the last rate-limit answer came
}

const (
	// pacerFloor is the least rate a rate-limited client slows to.
	pacerFloor rate.Limit = 0.5
	// pacerRecovery is how many requests a second the rate regains per
	// second without a rate-limit answer.
	pacerRecovery = 1.0
	// pacerRelease is the rate above which an uncapped client stops pacing.
	pacerRelease rate.Limit = 100
	// pacerEpisode is how long the rate-limit answers of one overload are
	// taken for one.
	pacerEpisode = time.Second
	// pacerRecheck is how often a waiting request looks at the rate again.
	pacerRecheck = 100 * time.Millisecond
)

func newPacer(clock Clock, perSecond float64) *pacer {
	ceiling := rate.Inf
	if perSecond > 0 {
		ceiling = rate.Limit(perSecond)
	}
	return &pacer{clock: clock, ceiling: ceiling, limiter: rate.NewLimiter(ceiling, 1)}
}

// wait holds a request until the pacer lets it start, or ctx ends (then
// the error is a *pacedError). It looks again at least every pacerRecheck
// rather than keep a place in a queue at the rate of the moment: when the
// rate rises, waiting requests start sooner.
func (p *pacer) wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		now := p.clock.Now()
		limit := p.limiter.Limit()
		reservation := p.limiter.ReserveN(now, 1)
		delay := reservation.DelayFrom(now)
		if delay > 0 {
			reservation.CancelAt(now)
		}
		p.mu.Unlock()
		if delay == 0 {
			return nil
		}
		if err := p.clock.Sleep(ctx, min(delay, pacerRecheck)); err != nil {
			return &pacedError{cause: err, rate: float64(limit), capped: limit == p.ceiling}
		}
	}
}

// pacedError is why a request held by the pacer never started.
type pacedError struct {
	cause  error
	rate   float64
	capped bool
}

func (e *pacedError) Error() string {
	why := "after rate limits"
	if e.capped {
		why = "by its max requests per second"
	}
	return fmt.Sprintf("%v while the client paced its requests at %.3g a second (%s)", e.cause, e.rate, why)
}

func (e *pacedError) Unwrap() error { return e.cause }

// limited records a rate-limit answer: the rate becomes what the account
// granted in the last second, once an episode.
func (p *pacer) limited() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	p.limitedAt = now
	if now.Sub(p.lowered) < pacerEpisode {
		return
	}
	p.answered = trimBefore(p.answered, now.Add(-time.Second))
	granted := rate.Limit(len(p.answered))
	p.loweredTo = max(min(granted, p.limiter.Limit()), min(pacerFloor, p.ceiling))
	p.limiter.SetLimitAt(now, p.loweredTo)
	p.raised, p.lowered = now, now
}

// limitedSince reports whether a rate-limit answer came after t.
func (p *pacer) limitedSince(t time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.limitedAt.After(t)
}

// answeredNormally records an answer that was not a rate limit: it counts
// as granted, and the rate recovers.
func (p *pacer) answeredNormally() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	p.answered = append(trimBefore(p.answered, now.Add(-time.Second)), now)
	current := p.limiter.Limit()
	if current == p.ceiling {
		return
	}
	next := current + rate.Limit(pacerRecovery*now.Sub(p.raised).Seconds())
	p.raised = now
	// An uncapped client stops pacing once it has doubled the rate it was
	// lowered to, and is past the rate at which pacing matters.
	if next >= p.ceiling || (p.ceiling == rate.Inf && next >= max(pacerRelease, 2*p.loweredTo)) {
		next = p.ceiling
	}
	p.limiter.SetLimitAt(now, next)
}

// trimBefore drops the times before t from a sorted list.
func trimBefore(times []time.Time, t time.Time) []time.Time {
	i := 0
	for i < len(times) && times[i].Before(t) {
		i++
	}
	return times[i:]
}
