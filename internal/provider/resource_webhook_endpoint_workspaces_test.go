package provider_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// stateIDs is the endpoint ids a workspace's state holds.
func stateIDs(t *testing.T, cli *acctest.CLI) map[string]string {
	t.Helper()
	return acctest.StateEndpoints(cli.MustShow(t))
}

// Workspaces X and Y hold the identical endpoint. Y's create is held, then
// dropped without being stored; X applies meanwhile. Y's resend gets Y its
// endpoint, and the look for leftovers can only name X's endpoint as a
// candidate: it must survive.
func TestAccWebhookEndpoint_heldCreateLeavesAnotherWorkspaceAlone(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	config := endpointConfig(env, `url = "https://example.com/shared"`)
	x, y := acctest.NewCLI(t, config), acctest.NewCLI(t, config)
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Times: 1, Hold: true, DropWithoutCommit: true})

	// Y's apply runs until it ends or the test does (then it is interrupted).
	var yOut string
	yErr := make(chan error, 1)
	go func() {
		out, err := y.Apply(t)
		yOut = out
		yErr <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := env.Server.WaitHeld(ctx, 1); err != nil {
		t.Fatalf("Y's create never arrived: %v", err)
	}
	x.MustApply(t)
	xIDs := stateIDs(t, x)
	env.Server.ReleaseAll()
	select {
	case err := <-yErr:
		if err != nil {
			t.Fatalf("Y's apply failed: %v\n%s", err, yOut)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("terraform did not finish within 2m0s")
	}

	for id := range xIDs {
		if _, ok := env.Server.Endpoint(id); !ok {
			t.Errorf("X's endpoint %s was deleted by Y's apply:\n%s", id, yOut)
		}
		if !strings.Contains(strings.Join(strings.Fields(yOut), " "), id) {
			t.Errorf("Y's apply did not name %s, an identical endpoint it cannot attribute:\n%s", id, yOut)
		}
	}
	yIDs := stateIDs(t, y)
	if len(yIDs) != 1 || len(xIDs) != 1 {
		t.Fatalf("X holds %d endpoints and Y %d, want 1 each", len(xIDs), len(yIDs))
	}
	for id := range yIDs {
		if _, shared := xIDs[id]; shared {
			t.Errorf("X and Y both hold %s", id)
		}
	}
	if n := env.Server.Count(localserver.RouteDelete); n != 0 {
		t.Errorf("%d deletes, want none", n)
	}
	if n := len(env.Server.Endpoints()); n != 2 {
		t.Errorf("the server holds %d endpoints, want 2 (X's and Y's; Y's dropped create stored nothing)", n)
	}
}

// chaosFaults is the fault mix of three workspaces sharing an account: 429s,
// gateway errors before and after the work, and answers dropped after it.
// Faults fire in order, each on every Nth request that reaches it.
func chaosFaults(server *localserver.Server) {
	server.AddFault(localserver.Fault{Every: 3, Status: 429, RetryAfter: "0"})
	server.AddFault(localserver.Fault{Every: 4, Status: 502})
	server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Every: 4, AnswerAfterCommit: true, Status: 502,
		Body: `{"error": "bad gateway"}`})
	server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Every: 5, DropAfterCommit: true})
}

// Three workspaces with identical configurations apply at once under the
// chaos fault mix. Whatever fails, no endpoint held in any state is ever
// deleted, and every endpoint on the server is either in a state or named
// by the apply that may have made it.
func TestAccWebhookEndpoint_chaosDeletesNothingHeldInAState(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	config := manyEndpoints(env, 4)
	workspaces := []*acctest.CLI{acctest.NewCLI(t, config), acctest.NewCLI(t, config), acctest.NewCLI(t, config)}
	chaosFaults(env.Server)

	outputs := make([]string, len(workspaces))
	var wg sync.WaitGroup
	for i, cli := range workspaces {
		wg.Go(func() {
			for range 3 { // a failed apply is re-applied, as CI would
				out, err := cli.Apply(t)
				outputs[i] += out
				if err == nil {
					return
				}
			}
		})
	}
	wg.Wait()
	injected := env.Server.Injected()
	env.Server.ClearFaults()

	held := map[string]int{}
	for i, cli := range workspaces {
		ids := stateIDs(t, cli)
		for id := range ids {
			if other, ok := held[id]; ok {
				t.Errorf("workspaces %d and %d both hold %s", other, i, id)
			}
			held[id] = i
		}
		if len(ids) != 4 {
			t.Errorf("workspace %d holds %d endpoints after 3 applies, want 4:\n%s", i, len(ids), lastLines(outputs[i], 30))
		}
	}
	if n := env.Server.Count(localserver.RouteDelete); n != 0 {
		t.Errorf("%d deletes during the applies, want none", n)
	}
	deleted := 0
	for id, i := range held {
		if _, ok := env.Server.Endpoint(id); !ok {
			deleted++
			t.Errorf("endpoint %s of workspace %d was deleted", id, i)
		}
	}
	all := strings.Join(strings.Fields(strings.Join(outputs, "\n")), " ")
	leftovers := 0
	for _, e := range env.Server.Endpoints() {
		if _, ok := held[e.ID]; ok {
			continue
		}
		leftovers++
		if !strings.Contains(all, e.ID) {
			t.Errorf("leftover %s was named by no apply", e.ID)
		}
	}
	if injected == 0 {
		t.Fatal("no fault fired: the test proves nothing")
	}
	t.Logf("%d endpoints held in states, %d deleted, %d leftovers (all named); server: %d requests %v, %d faults",
		len(held), deleted, leftovers, env.Server.TotalRequests(), env.Server.Stats(), injected)

	for _, cli := range workspaces {
		cli.MustDestroy(t)
	}
	if n := len(env.Server.Endpoints()); n != leftovers {
		t.Errorf("after the destroys the server holds %d endpoints, want the %d leftovers", n, leftovers)
	}
}
