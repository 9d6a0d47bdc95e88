package provider

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// TestResultCache_sendsOncePerKey calls the function's result cache from
// many goroutines at once, round after round: each key must cause exactly
// one test call however the calls interleave (a call that missed the cache
// just before another's flight ended once sent a second test event).
func TestResultCache_sendsOncePerKey(t *testing.T) {
	const rounds, callers = 300, 8
	for round := range rounds {
		var cache resultCache
		var sends atomic.Int32
		send := func() (*retivo.TestResult, error) { //nolint:unparam // the signature resultCache.do takes
			sends.Add(1)
			return &retivo.TestResult{}, nil
		}
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				if _, err := cache.do([32]byte{1}, send); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := sends.Load(); n != 1 {
			t.Fatalf("round %d: %d test calls for one key, want 1", round, n)
		}
	}
}
