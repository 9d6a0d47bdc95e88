package retivo

import (
	"context"
	"sync"
	"time"
)

// fakeClock is a Clock for tests: Sleep returns at once and moves the clock
// on, so waits cost no time; after budget sleeps (0: no limit) it fails like
// a caller's deadline, so a loop that would wait forever ends.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps int
	budget int
}

func newFakeClock(budget int) *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC), budget: budget}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := context.Cause(ctx); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.budget > 0 && c.sleeps >= c.budget {
		return context.DeadlineExceeded
	}
	c.sleeps++
	c.now = c.now.Add(max(d, 0))
	return nil
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) func() bool {
	return time.AfterFunc(d, f).Stop
}
