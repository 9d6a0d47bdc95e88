package provider_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"golang.org/x/net/idna"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// twoEndpoints is a configuration of endpoints a and b.
func twoEndpoints(env *acctest.Env, aURL string) string {
	return env.Config(`
resource "retivo_webhook_endpoint" "a" {
  url = "` + aURL + `"
}

resource "retivo_webhook_endpoint" "b" {
  url = "https://example.com/b"
}
`)
}

// An update answer that describes another endpoint is an error that names
// both ids, never "a bug in the provider", and is never taken into a's
// state.
func TestAccWebhookEndpoint_updateAnswerForAnotherEndpointNamesBoth(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli := acctest.NewCLI(t, twoEndpoints(env, "https://example.com/a"))
	cli.MustApply(t)
	var a, b localserver.Endpoint
	for _, e := range env.Server.Endpoints() {
		if e.URL == "https://example.com/a" {
			a = e
		} else {
			b = e
		}
	}
	answer, _ := json.Marshal(map[string]any{"endpoint": map[string]any{"id": b.ID, "url": b.URL,
		"description": "", "subscribed_events": []string{}, "active": true}})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteUpdate, Times: 1, AnswerAfterCommit: true,
		Status: 200, Body: string(answer)})
	cli.WriteMain(t, twoEndpoints(env, "https://example.com/a2"))
	out, err := cli.Apply(t)
	if err == nil {
		t.Fatalf("the apply took an answer for %s as the update of %s:\n%s", b.ID, a.ID, out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, a.ID) || !strings.Contains(flat, b.ID) || strings.Contains(flat, "bug in the provider") {
		t.Errorf("want an error naming %s and %s, not a provider bug:\n%s", a.ID, b.ID, out)
	}
	inState := acctest.StateEndpoints(cli.MustShow(t))
	if len(inState) != 2 {
		t.Errorf("state holds %d endpoints, want a and b", len(inState))
	}
	cli.MustDestroy(t)
}

// A create answer that carries the id of an endpoint the account already
// held is an error naming it; the id never enters the state, and the
// endpoint the create really registered is named as a leftover.
func TestAccWebhookEndpoint_createAnswerWithAnExistingID(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	b := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/b", Active: true, SubscribedEvents: []string{}})
	answer, _ := json.Marshal(map[string]any{"endpoint": map[string]any{"id": b.ID, "url": "https://example.com/c",
		"description": "", "subscribed_events": []string{}, "active": true, "secret": "whsec_answered0123456789"}})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Times: 1, AnswerAfterCommit: true,
		Status: 201, Body: string(answer)})
	cli := acctest.NewCLI(t, endpointConfig(env, `url = "https://example.com/c"`))
	out, err := cli.Apply(t)
	if err == nil {
		t.Fatalf("the apply took %s, an existing endpoint's id, for a new one:\n%s", b.ID, out)
	}
	var c string
	for _, e := range env.Server.Endpoints() {
		if e.ID != b.ID {
			c = e.ID
		}
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, b.ID) || !strings.Contains(flat, "existed before") || c == "" || !strings.Contains(flat, c) {
		t.Errorf("want an error naming %s as existing and %s as a leftover:\n%s", b.ID, c, out)
	}
	if state, err := cli.Show(t); err == nil {
		if show, _ := json.Marshal(state); strings.Contains(string(show), b.ID) {
			t.Errorf("the state holds %s:\n%s", b.ID, show)
		}
	}
	if _, ok := env.Server.Endpoint(b.ID); !ok {
		t.Errorf("endpoint %s was deleted", b.ID)
	}
}

// A list that misses a managed endpoint once (a lagging replica) does not
// make the refresh forget it: the plan stays empty.
func TestAccWebhookEndpoint_listMissingAnEndpointOnce(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.ParallelTest(t, resource.TestCase{
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{Config: twoEndpoints(env, "https://example.com/a")},
			{
				PreConfig: func() {
					env.Server.AddFault(localserver.Fault{Route: localserver.RouteList, Times: 1, Status: 200,
						Body: `{"endpoints": []}`})
				},
				Config: twoEndpoints(env, "https://example.com/a"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if env.Server.Injected() != 1 {
						return fmt.Errorf("the lagging list was not served: the test proves nothing")
					}
					return env.CheckServerCount(2)(nil)
				},
			},
		},
	})
}

// normalisingServer plays a Retivo that stores urls normalised: the host in
// its ASCII (punycode) form and dot segments removed.
var normalisingServer = storingRewritten("url", func(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if host, err := idna.Lookup.ToASCII(u.Hostname()); err == nil {
		u.Host = host
	}
	u.Path = strings.ReplaceAll(u.Path, "/a/../", "/")
	return u.String()
})

// A server that stores urls normalised (IDNA host, dot segments removed):
// the configured url stays in state, with no inconsistent result and no
// drift, so the endpoint is never replaced.
func TestAccWebhookEndpoint_serverNormalisesURLs(t *testing.T) {
	env := acctest.NewEnvWrapped(t, localserver.Options{}, normalisingServer)
	const configured = "https://bücher.example/a/../hook"
	acctest.ParallelTest(t, resource.TestCase{
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: endpointConfig(env, `url = "`+configured+`"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(endpointAddress, tfjsonpath.New("url"), knownvalue.StringExact(configured)),
				},
				Check: env.CheckStoredFields(endpointAddress, "https://xn--bcher-kva.example/hook", "", true),
			},
			{
				Config: endpointConfig(env, `url = "`+configured+`"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// A managed endpoint missing from the list while the list left out
// endpoints with unusable ids: the not-found warning says so.
func TestAccWebhookEndpoint_notFoundNamesLeftOutEndpoints(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli := acctest.NewCLI(t, twoEndpoints(env, "https://example.com/a"))
	cli.MustApply(t)
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteList, Status: 200, Body: `{"endpoints": [
		{"id": null, "url": "https://example.com/a", "description": "", "subscribed_events": [], "active": true},
		{"id": null, "url": "https://example.com/b", "description": "", "subscribed_events": [], "active": true}]}`})
	out, _, _ := cli.Plan(t, tfexec.RefreshOnly(true))
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, "Webhook endpoint not found") || !strings.Contains(flat, "2 endpoint(s) whose id is not usable") {
		t.Errorf("the not-found warning does not say the list left out 2 endpoints:\n%s", out)
	}
	env.Server.ClearFaults()
	cli.MustDestroy(t)
}
