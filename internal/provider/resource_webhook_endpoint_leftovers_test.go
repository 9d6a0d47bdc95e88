package provider_test

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// lostThenBlindLookup plays a Retivo that stores the first create but
// drops its answer, answers the resend, and then, while blind is set,
// answers lists badly: with a 500 (lag false) or without any endpoint
// (lag true, a lagging replica).
func lostThenBlindLookup(blind *atomic.Bool, lag bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		var posts atomic.Int32
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			isList := strings.HasSuffix(r.URL.Path, "/webhooks/endpoints")
			switch {
			case r.Method == http.MethodPost && isList && posts.Add(1) == 1:
				next.ServeHTTP(httptest.NewRecorder(), r)
				if hj, ok := w.(http.Hijacker); ok {
					if conn, _, err := hj.Hijack(); err == nil {
						_ = conn.Close()
					}
				}
			case r.Method == http.MethodGet && isList && posts.Load() >= 2 && blind.Load():
				w.Header().Set("Content-Type", "application/json")
				if lag {
					_, _ = w.Write([]byte(`{"endpoints": []}`))
					return
				}
				w.WriteHeader(500)
				_, _ = w.Write([]byte(`{"error": "list unavailable"}`))
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

// When the look for leftovers fails, or a lagging list shows none, the
// leftover is still named: by the plans after the apply, from the check
// the resource keeps in its private state.
func TestAccWebhookEndpoint_leftoverNamedWhenTheLookupFailsOrLags(t *testing.T) {
	for _, lag := range []bool{false, true} {
		name := "lookupFails"
		if lag {
			name = "lookupLags"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var blind atomic.Bool
			blind.Store(true)
			env := acctest.NewEnvWrapped(t, localserver.Options{}, lostThenBlindLookup(&blind, lag))
			cli := acctest.NewCLI(t, endpointConfig(env, `url = "https://example.com/lost"`))
			out, err := cli.Apply(t)
			if err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			blind.Store(false)
			held := stateIDs(t, cli)
			var leftover string
			for _, e := range env.Server.Endpoints() {
				if _, ok := held[e.ID]; !ok {
					leftover = e.ID
				}
			}
			if leftover == "" {
				t.Fatalf("no leftover on the server: the test proves nothing\n%s", out)
			}
			t.Logf("apply output:\n%s", lastLines(out, 14))
			named := strings.Contains(strings.Join(strings.Fields(out), " "), leftover)
			for range 2 {
				plan, _, _ := cli.Plan(t)
				named = named || strings.Contains(strings.Join(strings.Fields(plan), " "), leftover)
			}
			if !named {
				t.Errorf("leftover %s (identical to the configured endpoint, in no state) was named by neither "+
					"the apply nor the two later plans", leftover)
			}
		})
	}
}

// An update answer that carries no id but describes another endpoint (its
// url) is an error about the answer, never "Provider produced inconsistent
// result ... bug in the provider".
func TestAccWebhookEndpoint_updateAnswerWithoutIDForAnotherEndpoint(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli := acctest.NewCLI(t, twoEndpoints(env, "https://example.com/a"))
	cli.MustApply(t)
	answer, _ := json.Marshal(map[string]any{"endpoint": map[string]any{"url": "https://example.com/b",
		"description": "", "subscribed_events": []string{}, "active": true}})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteUpdate, Times: 1, AnswerAfterCommit: true,
		Status: 200, Body: string(answer)})
	cli.WriteMain(t, twoEndpoints(env, "https://example.com/a2"))
	out, _ := cli.Apply(t)
	flat := strings.Join(strings.Fields(out), " ")
	if strings.Contains(flat, "bug in the provider") || strings.Contains(flat, "inconsistent result") {
		t.Errorf("an update answer describing another endpoint (no id) became a provider bug:\n%s", lastLines(out, 25))
	}
	env.Server.ClearFaults()
	_, _ = cli.Destroy(t)
}

// siblingRace plays a Retivo where, of two identical creates of one apply,
// the first is stored but answered only once the second's resend has been
// answered, and the second's first attempt is stored but its answer lost.
func siblingRace(next http.Handler) http.Handler {
	var posts atomic.Int32
	resendAnswered := make(chan struct{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/webhooks/endpoints") {
			next.ServeHTTP(w, r)
			return
		}
		switch posts.Add(1) {
		case 1:
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			select {
			case <-resendAnswered:
			case <-r.Context().Done():
				return
			}
			maps.Copy(w.Header(), rec.Header())
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		case 2:
			next.ServeHTTP(httptest.NewRecorder(), r)
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
		case 3:
			next.ServeHTTP(w, r)
			close(resendAnswered)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// namedLeftovers finds the list of ids in a warning that names leftovers.
var namedLeftovers = regexp.MustCompile(`(?:no earlier list showed|they may have registered): ([^.]*)\.`)

// Two identical endpoints in one configuration, one of whose creates loses
// an answer while the other's is still on its way: neither the apply nor a
// later plan names an endpoint this state holds as a leftover.
func TestAccWebhookEndpoint_leftoverNeverNamesASiblingInTheSameState(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnvWrapped(t, localserver.Options{}, siblingRace)
	cli := acctest.NewCLI(t, env.Config(`
resource "retivo_webhook_endpoint" "twin" {
  count = 2
  url   = "https://example.com/same"
}
`))
	out, err := cli.Apply(t, tfexec.Parallelism(2))
	if err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	held := stateIDs(t, cli)
	if len(held) != 2 || len(env.Server.Endpoints()) != 3 {
		t.Fatalf("state holds %d endpoints and the server %d; want 2 and 3 (one leftover)", len(held), len(env.Server.Endpoints()))
	}
	plan := cli.MustPlan(t)
	named := 0
	for _, text := range []string{out, plan} {
		for _, list := range namedLeftovers.FindAllStringSubmatch(strings.Join(strings.Fields(text), " "), -1) {
			named++
			for id := range held {
				if strings.Contains(list[1], id) {
					t.Errorf("%s, which this state holds, is named as a leftover: %s", id, list[0])
				}
			}
		}
	}
	if named != 2 {
		t.Errorf("%d warnings name leftovers, want 2 (the apply's and the plan's):\n%s\n%s", named, out, plan)
	}
}

// Two identical endpoints, the second created after the first, whose first
// attempt lost its answer: the first's leftover is named, by the apply and
// the next plan, and the second, which this state holds, never is.
func TestAccWebhookEndpoint_leftoverNeverNamesASiblingCreatedLater(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Times: 1, DropAfterCommit: true})
	cli := acctest.NewCLI(t, env.Config(`
resource "retivo_webhook_endpoint" "first" {
  url = "https://example.com/same"
}
resource "retivo_webhook_endpoint" "second" {
  url        = "https://example.com/same"
  depends_on = [retivo_webhook_endpoint.first]
}
`))
	out, err := cli.Apply(t)
	if err != nil {
		t.Fatalf("apply failed: %v\n%s", err, out)
	}
	held := stateIDs(t, cli)
	if len(held) != 2 || len(env.Server.Endpoints()) != 3 {
		t.Fatalf("state %d server %d; want 2 and 3", len(held), len(env.Server.Endpoints()))
	}
	plan := cli.MustPlan(t)
	for _, text := range []string{out, plan} {
		for _, list := range namedLeftovers.FindAllStringSubmatch(strings.Join(strings.Fields(text), " "), -1) {
			for id := range held {
				if strings.Contains(list[1], id) {
					t.Errorf("%s, which this state holds, is named as a leftover: %s", id, list[0])
				}
			}
		}
	}
}

// trimDescriptions plays a Retivo that stores descriptions trimmed of
// surrounding spaces, as many servers do.
var trimDescriptions = storingRewritten("description", strings.TrimSpace)

// A server that trims descriptions answers each create with another
// description than the one sent: the create is an error, the endpoint it
// registered is named as a leftover by the apply that made it (never "none
// is on Retivo"), and nothing of it reaches the state.
func TestAccWebhookEndpoint_answerWithOtherValuesNamesItsEndpoint(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnvWrapped(t, localserver.Options{}, trimDescriptions)
	cli := acctest.NewCLI(t, endpointConfig(env, `url = "https://example.com/trim"
description = "prod "`))
	var all string
	for range 2 {
		out, err := cli.Apply(t)
		if err == nil {
			t.Fatalf("a create answered with another description was taken:\n%s", out)
		}
		all += out
	}
	flat := strings.Join(strings.Fields(all), " ")
	if held := stateIDs(t, cli); len(held) != 0 {
		t.Errorf("the state holds %v", held)
	}
	for _, e := range env.Server.Endpoints() {
		if !strings.Contains(flat, e.ID) {
			t.Errorf("endpoint %s, registered by a create whose answer was refused, was not named", e.ID)
		}
	}
	if strings.Contains(flat, "None is on Retivo now") {
		t.Error("a diagnostic says no leftover is on Retivo while the answer named one that is")
	}
}
