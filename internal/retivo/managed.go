package retivo

import "sync"

// managedIDs are the endpoints the caller said it manages (Terraform holds
// them in state), for telling a planned duplicate from a planned
// replacement: see Client.IdenticalEndpoints.
type managedIDs struct {
	mu  sync.Mutex
	ids map[string]struct{}
}

// MarkManaged records that the caller manages the endpoint with this id.
func (c *Client) MarkManaged(id string) {
	c.managed.mu.Lock()
	defer c.managed.mu.Unlock()
	if c.managed.ids == nil {
		c.managed.ids = map[string]struct{}{}
	}
	c.managed.ids[id] = struct{}{}
}

func (c *Client) isManaged(id string) bool {
	c.managed.mu.Lock()
	defer c.managed.mu.Unlock()
	_, ok := c.managed.ids[id]
	return ok
}

// IdenticalEndpoints returns the ids of the account's endpoints that req
// would duplicate (same url, description, events and active), leaving out
// the ones marked managed: an endpoint being replaced is identical to its
// replacement by design. The others are endpoints a receiver would get every
// event from twice, or leftovers of an interrupted apply.
func (c *Client) IdenticalEndpoints(s *Snapshot, req CreateEndpointRequest) []string {
	var ids []string
	for _, e := range s.Endpoints {
		if matchesRequest(e, req) && !c.isManaged(e.ID) {
			ids = append(ids, e.ID)
		}
	}
	return ids
}
