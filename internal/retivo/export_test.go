package retivo

// FlightWaiters is how many callers wait for the client's current list
// call, for tests that order callers without sleeping.
func (c *Client) FlightWaiters() int {
	c.snapshots.mu.Lock()
	defer c.snapshots.mu.Unlock()
	if c.snapshots.flight == nil {
		return 0
	}
	return c.snapshots.flight.waiters
}

// WallClock is the client's default Clock, for test clocks that keep its
// waits and move only its time.
var WallClock Clock = realClock{}
