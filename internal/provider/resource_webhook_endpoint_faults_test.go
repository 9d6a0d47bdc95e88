package provider_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// manyEndpoints is a configuration of n endpoints.
func manyEndpoints(env *acctest.Env, n int) string {
	return env.Config(fmt.Sprintf(`
resource "retivo_webhook_endpoint" "many" {
  count             = %d
  url               = "https://example.com/hooks/${count.index}"
  subscribed_events = ["order.created", "order.paid"]
}
`, n))
}

// logFaults reports what the server saw, for the closing notes of a change.
func logFaults(t *testing.T, env *acctest.Env, start time.Time) {
	t.Logf("server: %d requests by route %v, %d faults injected, %s",
		env.Server.TotalRequests(), env.Server.Stats(), env.Server.Injected(), time.Since(start).Round(time.Millisecond))
}

func TestAccWebhookEndpoint_rateLimitedEveryThirdRequest(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.MaxRetryWait = "2s" // long enough to honour Retry-After: 1
	env.Server.AddFault(localserver.Fault{Every: 3, Status: 429, RetryAfter: "1",
		Body: `{"error": "rate limit exceeded, retry later"}`})
	var start time.Time // once the test runs: a parallel test first waits for the serial ones
	acctest.ParallelTest(t, resource.TestCase{
		PreCheck:     func() { acctest.PreCheck(t); start = time.Now() },
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: manyEndpoints(env, 12),
				Check: resource.ComposeAggregateTestCheckFunc(
					env.CheckServerCount(12),
					env.CheckServerMatchesState,
					func(*terraform.State) error {
						if env.Server.Injected() == 0 {
							return fmt.Errorf("no 429 was injected: the test proves nothing")
						}
						return nil
					},
				),
			},
		},
	})
	logFaults(t, env, start)
}

func TestAccWebhookEndpoint_unavailableOnFirstAttempt(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{FirstAttempt: true, Status: 503})
	config := manyEndpoints(env, 5)
	var start time.Time // once the test runs: a parallel test first waits for the serial ones
	acctest.ParallelTest(t, resource.TestCase{
		PreCheck:     func() { acctest.PreCheck(t); start = time.Now() },
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  resource.ComposeAggregateTestCheckFunc(env.CheckServerCount(5), env.CheckServerMatchesState),
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	if env.Server.Injected() == 0 {
		t.Error("no 503 was injected: the test proves nothing")
	}
	logFaults(t, env, start)
}

func TestAccWebhookEndpoint_persistentBadGateway(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Status: 502,
		Body: "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"})
	var start time.Time // once the test runs: a parallel test first waits for the serial ones
	acctest.ParallelTest(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t); start = time.Now() },
		Steps: []resource.TestStep{
			{
				Config:      manyEndpoints(env, 1),
				ExpectError: acctest.ErrorPattern("Retivo server error", "502 Bad Gateway", `not JSON: "502 Bad Gateway 502 Bad Gateway nginx"`),
			},
		},
	})
	// Every call gives up after the default budget of 5 retries: the server
	// saw whole runs of 1+5 attempts (one per list call Terraform's runs
	// made). Counted rather than timed, so a slow machine cannot fail it.
	attempts := int64(1 + retivo.DefaultMaxRetries)
	if n := env.Server.TotalRequests(); n == 0 || n%attempts != 0 {
		t.Errorf("the server saw %d requests, not whole runs of %d attempts per call", n, attempts)
	}
	logFaults(t, env, start)
}

func TestAccWebhookEndpoint_timeoutsBlockBoundsRetries(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.MaxRetryWait = "10m"
	// Retrying would mean waiting 120s: far beyond the 2s timeout, and far
	// beyond what even a slow machine takes for the rest of the test.
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Status: 503, RetryAfter: "120"})
	var start time.Time // once the test runs: a parallel test first waits for the serial ones
	acctest.ParallelTest(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t); start = time.Now() },
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
resource "retivo_webhook_endpoint" "test" {
  url = "https://example.com/slow"
  timeouts {
    create = "2s"
  }
}
`),
				ExpectError: acctest.ErrorPattern("Could not create the webhook endpoint before the deadline", "timeouts block"),
			},
		},
	})
	if n := env.Server.Count(localserver.RouteCreate); n != 1 {
		t.Errorf("%d creates sent, want 1: the 2s timeout ends the wait for a retry", n)
	}
	if elapsed := time.Since(start); elapsed > time.Minute {
		t.Errorf("a 2s create timeout took %s to stop", elapsed)
	}
	logFaults(t, env, start)
}

// "Commit, then drop the connection" on every second create: the provider
// cannot know whether those endpoints exist. After the apply, and at worst
// one re-apply, the server must hold exactly the endpoints in state, each
// with its secret.
func TestAccWebhookEndpoint_createAnswerLost(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Every: 2, DropAfterCommit: true})
	cli := acctest.NewCLI(t, manyEndpoints(env, 8))
	start := time.Now()
	out, err := cli.Apply(t)
	applies := 1
	if err != nil {
		t.Logf("the first apply gave up on some creates (allowed, a re-apply must finish): %s", lastLines(out, 12))
		more, err2 := cli.Apply(t)
		out, err = out+more, err2
		applies++
	}
	if err != nil {
		t.Fatalf("the re-apply failed too: %v\n%s", err, out)
	}
	inState := acctest.StateEndpoints(cli.MustShow(t))
	if len(inState) != 8 {
		t.Errorf("state holds %d endpoints, want 8", len(inState))
	}
	// Every endpoint not in state is a leftover of a lost answer, named by
	// the apply that made it; none was deleted.
	flat := strings.Join(strings.Fields(out), " ")
	for _, e := range env.Server.Endpoints() {
		if _, ok := inState[e.ID]; !ok && !strings.Contains(flat, e.ID) {
			t.Errorf("leftover %s was not named by the apply", e.ID)
		}
	}
	if n := env.Server.Count(localserver.RouteDelete); n != 0 {
		t.Errorf("%d deletes during the apply, want none", n)
	}
	t.Logf("%d apply(s); %d creates sent, %d dropped after commit, %d endpoints on the server",
		applies, env.Server.Count(localserver.RouteCreate), env.Server.Injected(), len(env.Server.Endpoints()))
	logFaults(t, env, start)
	cli.MustDestroy(t)
}

// Fifty endpoints against an account limited to 20 requests a second: the
// rate limit is waited out, and every create lands once.
func TestAccWebhookEndpoint_fiftyUnderRateLimiting(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.MaxRetryWait = "2s"
	env.Server.AddFault(localserver.Fault{PerSecond: 20, Status: 429, RetryAfter: "1"})
	cli := acctest.NewCLI(t, manyEndpoints(env, 50))
	start := time.Now()
	if out, err := cli.Apply(t, tfexec.Parallelism(10)); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if n := len(env.Server.Endpoints()); n != 50 {
		t.Errorf("server holds %d endpoints, want exactly 50", n)
	}
	if n := env.Server.Count(localserver.RouteCreate) - int64(env.Server.Injected()); n < 50 {
		t.Errorf("only %d creates got through", n)
	}
	if err := env.ServerMatchesStateJSON(cli.MustShow(t)); err != nil {
		t.Error(err)
	}
	logFaults(t, env, start)
	if out, err := cli.Destroy(t, tfexec.Parallelism(10)); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	if n := len(env.Server.Endpoints()); n != 0 {
		t.Errorf("%d endpoints left after destroy", n)
	}
}

// A TRACE log of a whole apply and destroy, Terraform's and the provider's,
// never contains the API key or a webhook secret. It sets TF_LOG and
// RETIVO_API_KEY, so it runs alone.
func TestAccWebhookEndpoint_logsHideSecrets(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "trace.log")
	if p := os.Getenv("RETIVO_TEST_KEEP_LOG"); p != "" {
		logPath = p
	}
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logPath)
	env := acctest.NewEnv(t, localserver.Options{})
	// One failure so that error paths are logged too.
	env.Server.AddFault(localserver.Fault{FirstAttempt: true, Status: 503})
	var secrets []string
	acctest.SerialTest(t, resource.TestCase{
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.ConfigKeyFromEnv(t, `
resource "retivo_webhook_endpoint" "many" {
  count = 3
  url   = "https://example.com/hooks/${count.index}"
}

output "secret" {
  value     = retivo_webhook_endpoint.many[0].secret
  sensitive = true
}
`),
				Check: func(*terraform.State) error {
					for _, e := range env.Server.Endpoints() {
						secrets = append(secrets, e.Secret)
					}
					return nil
				},
			},
		},
	})
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	if !strings.Contains(log, "retivo_http: Retivo API request") || !strings.Contains(log, "attempt=2") {
		t.Fatalf("the log does not show the provider's HTTP calls with attempts (%d bytes)", len(data))
	}
	for _, field := range []string{"method=POST", "path=/api/webhooks/endpoints", "status=201", "duration_ms="} {
		if !strings.Contains(log, field) {
			t.Errorf("the HTTP log lacks %s", field)
		}
	}
	if len(secrets) != 3 {
		t.Fatalf("captured %d secrets", len(secrets))
	}
	for _, s := range append(secrets, acctest.APIKey) {
		if strings.Contains(log, s) {
			t.Errorf("the TRACE log (%d bytes) contains a secret value", len(data))
		}
	}
	t.Logf("checked %d bytes of TRACE log for the API key and %d secrets", len(data), len(secrets))
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// storingRewritten plays a Retivo that stores a field of every create and
// update rewritten (a url normalised, a description trimmed), as some
// servers do.
func storingRewritten(field string, rewrite func(string) string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost || r.Method == http.MethodPut {
				var body map[string]any
				if err := json.NewDecoder(r.Body).Decode(&body); err == nil {
					if v, ok := body[field].(string); ok {
						body[field] = rewrite(v)
					}
					data, _ := json.Marshal(body)
					r.Body = io.NopCloser(bytes.NewReader(data))
					r.ContentLength = int64(len(data))
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}

// appendSlashToURLs plays a Retivo that stores every url with a "/" added
// to its path.
var appendSlashToURLs = storingRewritten("url", func(u string) string {
	if strings.HasSuffix(u, "/") {
		return u
	}
	return u + "/"
})

// A server that adds "/" to the url: the configured url stays in state (no
// inconsistent result, no drift).
func TestAccWebhookEndpoint_serverAddsTrailingSlash(t *testing.T) {
	env := acctest.NewEnvWrapped(t, localserver.Options{}, appendSlashToURLs)
	acctest.ParallelTest(t, resource.TestCase{
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: endpointConfig(env, `url = "https://example.com/hook"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(endpointAddress, tfjsonpath.New("url"), knownvalue.StringExact("https://example.com/hook")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.CheckServerMatchesState,
					env.CheckStoredFields(endpointAddress, "https://example.com/hook/", "", true),
				),
			},
			{
				Config:   endpointConfig(env, `url = "https://example.com/hook"`),
				PlanOnly: true,
			},
			{
				// A real change of the url is still a change.
				Config: endpointConfig(env, `url = "https://example.com/other"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(endpointAddress, plancheck.ResourceActionUpdate)},
				},
				Check: env.CheckStoredFields(endpointAddress, "https://example.com/other/", "", true),
			},
		},
	})
}

// Another workspace with the same key creates an identical endpoint while
// this apply's first create is committed but its answer lost. The apply
// cannot tell its leftover from the other workspace's endpoint, so it
// deletes neither and names both; it still gets its own endpoint.
func TestAccWebhookEndpoint_recoveryLeavesOtherWorkspacesAlone(t *testing.T) {
	t.Parallel()
	var env *acctest.Env
	var otherID atomic.Value
	var dropped atomic.Bool
	env = acctest.NewEnvWrapped(t, localserver.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || strings.HasSuffix(r.URL.Path, "/test") || !dropped.CompareAndSwap(false, true) {
				next.ServeHTTP(w, r)
				return
			}
			// Commit this create, let the other workspace create its
			// identical endpoint, then lose the answer.
			next.ServeHTTP(httptest.NewRecorder(), r)
			other := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/shared", Active: true,
				SubscribedEvents: []string{}})
			otherID.Store(other.ID)
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		})
	})
	cli := acctest.NewCLI(t, endpointConfig(env, `url = "https://example.com/shared"`))
	out := cli.MustApply(t)
	other, _ := otherID.Load().(string)
	if other == "" {
		t.Fatal("the fault never fired")
	}
	if _, ok := env.Server.Endpoint(other); !ok {
		t.Fatalf("the apply deleted the other workspace's endpoint %s", other)
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, "An earlier attempt may have left a webhook endpoint") || !strings.Contains(flat, other) {
		t.Errorf("apply did not name the endpoints it cannot attribute, %s among them:\n%s", other, out)
	}
	// The other workspace's, this apply's leftover, and this apply's own.
	if n := len(env.Server.Endpoints()); n != 3 {
		t.Errorf("server holds %d endpoints, want 3", n)
	}
	if n := env.Server.Count(localserver.RouteDelete); n != 0 {
		t.Errorf("%d deletes, want none", n)
	}
	cli.MustDestroy(t)
}

// applyParallelism is how many creates the interrupted applies have in
// flight at once.
const applyParallelism = 5

// interruptedApply starts an apply of n endpoints whose creates are held by
// the server, sends sig once applyParallelism creates are held (all that
// Terraform runs at once), and lets held creates through until Terraform has
// exited; then it waits until the server has stored the creates that were
// in flight (the provider serves in this process and outlives Terraform, as
// a plugin outlives a killed CLI for a moment).
func interruptedApply(t *testing.T, env *acctest.Env, n int, sig os.Signal) (*acctest.CLI, string) {
	t.Helper()
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Hold: true})
	cli := acctest.NewCLI(t, manyEndpoints(env, n))
	cmd, out, err := cli.Start(t, "apply", "-auto-approve", "-no-color", "-input=false",
		fmt.Sprintf("-parallelism=%d", applyParallelism))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := env.Server.WaitHeld(ctx, applyParallelism); err != nil {
		_ = cmd.Process.Kill()
		t.Fatalf("%d creates were never in flight at once: %v\n%s", applyParallelism, err, out)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	release := time.NewTicker(10 * time.Millisecond)
	defer release.Stop()
	for waiting := true; waiting; {
		env.Server.ReleaseAll() // whatever Terraform sent before it stopped
		select {
		case err := <-exited:
			t.Logf("terraform after %v: %v", sig, err) // a non-zero exit is expected
			waiting = false
		case <-release.C:
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			t.Fatalf("terraform did not stop after %v:\n%s", sig, out)
		}
	}
	env.Server.ClearFaults()
	env.Server.ReleaseAll()
	for len(env.Server.Endpoints()) < applyParallelism && ctx.Err() == nil {
		time.Sleep(10 * time.Millisecond) // the released creates are stored in this process; bounded by ctx
	}
	return cli, out.String()
}

// Ctrl-C during an apply: the creates already sent finish within the grace
// period and reach the state, creates not yet sent are not sent, so the
// server holds exactly the endpoints in state: no orphans.
func TestAccWebhookEndpoint_interruptLeavesNoOrphans(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli, out := interruptedApply(t, env, 20, os.Interrupt)
	if err := env.ServerMatchesStateJSON(cli.MustShow(t)); err != nil {
		t.Errorf("after Ctrl-C: %v\n%s", err, lastLines(out, 20))
	}
	if n := len(env.Server.Endpoints()); n < applyParallelism || n == 20 {
		t.Errorf("the server holds %d endpoints; want the %d creates in flight at the interrupt, and not all 20", n, applyParallelism)
	}
	cli.MustDestroy(t)
}

// kill -9 during an apply: nothing can save the ids of the creates in
// flight, so the next plan names every endpoint the server holds that the
// state does not, as a duplicate of a planned create.
func TestAccWebhookEndpoint_planAfterKillNamesLeftovers(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli, _ := interruptedApply(t, env, 20, syscall.SIGKILL)
	inState := map[string]string{} // empty if the kill left no readable state
	if state, err := cli.Show(t); err == nil {
		inState = acctest.StateEndpoints(state)
	}
	var leftovers []string
	for _, e := range env.Server.Endpoints() {
		if _, ok := inState[e.ID]; !ok {
			leftovers = append(leftovers, e.ID)
		}
	}
	if len(leftovers) != applyParallelism {
		t.Fatalf("%d leftovers, want the %d creates in flight at the kill", len(leftovers), applyParallelism)
	}
	plan := cli.MustPlan(t)
	for _, id := range leftovers {
		if !strings.Contains(plan, id) {
			t.Errorf("the plan after kill -9 does not name leftover endpoint %s:\n%s", id, plan)
		}
	}
	if !strings.Contains(plan, "An identical webhook endpoint already exists for https://example.com/hooks/") {
		t.Errorf("no duplicate warning in the plan:\n%s", plan)
	}
	// The resource page's way back: import each leftover at its address
	// (the index in its url), after which the apply creates only the rest.
	for _, id := range leftovers {
		stored, _ := env.Server.Endpoint(id)
		index := strings.TrimPrefix(stored.URL, "https://example.com/hooks/")
		if out, err := cli.Import(t, "retivo_webhook_endpoint.many["+index+"]", id); err != nil {
			t.Fatalf("import of leftover %s: %v\n%s", id, err, out)
		}
	}
	cli.MustApply(t)
	inState = acctest.StateEndpoints(cli.MustShow(t))
	stored := env.Server.Endpoints()
	withoutSecret := 0
	for _, e := range stored {
		secret, ok := inState[e.ID]
		switch {
		case !ok:
			t.Errorf("endpoint %s on the server is not in the state", e.ID)
		case secret == "":
			withoutSecret++ // an imported leftover: its secret cannot be read back
		}
	}
	if len(stored) != 20 || len(inState) != 20 || withoutSecret != len(leftovers) {
		t.Errorf("after importing the leftovers and applying: %d endpoints on the server, %d in the state, %d "+
			"without a secret; want 20, 20 and the %d imported", len(stored), len(inState), withoutSecret, len(leftovers))
	}
}

// A new Terraform process (a plan, a destroy) learns the secrets from the
// state: an error answer that quotes them shows none, in the output or in
// TRACE logs.
func TestAccWebhookEndpoint_secretsFromStateMaskedInErrors(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	cli := acctest.NewCLI(t, manyEndpoints(env, 3))
	cli.MustApply(t)
	var secrets []string
	for _, e := range env.Server.Endpoints() {
		secrets = append(secrets, e.Secret)
	}
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteList, Status: 500, Delay: 300 * time.Millisecond,
		Body: `{"error": "internal error while listing: ` + strings.Join(secrets, " ") + `"}`})
	logPath := filepath.Join(t.TempDir(), "trace.log")
	cli.TraceLog(logPath)
	var outputs []string
	for i, run := range []func() (string, error){
		func() (string, error) { out, _, err := cli.Plan(t); return out, err },
		func() (string, error) { return cli.Destroy(t) },
	} {
		out, err := run()
		if err == nil {
			t.Fatalf("%s succeeded although every list call fails:\n%s", []string{"plan", "destroy"}[i], out)
		}
		outputs = append(outputs, out)
	}
	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(logs))
	for i, text := range outputs {
		if i < 2 && !acctest.ErrorPattern("internal error while listing: *** *** ***").MatchString(text) {
			t.Errorf("output %d does not show the server's error:\n%s", i, lastLines(text, 30))
		}
		for _, secret := range secrets {
			if strings.Contains(text, secret) {
				t.Errorf("output %d (plan, destroy, TRACE log) shows a webhook secret", i)
			}
		}
	}
	env.Server.ClearFaults()
	cli.TraceLog("")
	cli.MustDestroy(t)
}

// A create that succeeded after a lost answer names its leftover in the
// apply, and every plan names it again until the next apply, which names it
// for the last time.
func TestAccWebhookEndpoint_laterPlansNameTheLeftover(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Times: 1, DropAfterCommit: true})
	cli := acctest.NewCLI(t, endpointConfig(env, `url = "https://example.com/left"`))
	apply := cli.MustApply(t)
	inState := stateIDs(t, cli)
	var leftover string
	for _, e := range env.Server.Endpoints() {
		if _, ok := inState[e.ID]; !ok {
			leftover = e.ID
		}
	}
	if leftover == "" {
		t.Fatal("the lost answer left no endpoint: the test proves nothing")
	}
	named := func(out string) bool {
		return strings.Contains(out, "Possible leftover webhook endpoints") && strings.Contains(out, leftover)
	}
	if !strings.Contains(apply, leftover) {
		t.Errorf("the apply does not name leftover %s:\n%s", leftover, apply)
	}
	for i := range 2 {
		if plan := cli.MustPlan(t); !named(plan) {
			t.Errorf("plan %d after the apply does not name leftover %s:\n%s", i+1, leftover, plan)
		}
	}
	if again := cli.MustApply(t); !named(again) {
		t.Errorf("the next apply does not name leftover %s:\n%s", leftover, again)
	}
	if plan := cli.MustPlan(t); strings.Contains(plan, "leftover") {
		t.Errorf("a plan after the next apply still names the leftover:\n%s", plan)
	}
	cli.MustDestroy(t)
}
