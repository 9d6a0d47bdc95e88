package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
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
	elapsed := time.Since(start)
	// The default budget is 5 retries; with max_retry_wait 50ms the whole
	// run, Terraform included, stays within seconds.
	if elapsed > 20*time.Second {
		t.Errorf("the failing apply took %s", elapsed)
	}
	logFaults(t, env, start)
}

func TestAccWebhookEndpoint_timeoutsBlockBoundsRetries(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	env.MaxRetryWait = "30s"
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteCreate, Status: 503, RetryAfter: "20"})
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
				ExpectError: acctest.ErrorPattern("Timed out", "timeouts block"),
			},
		},
	})
	if elapsed := time.Since(start); elapsed > 15*time.Second {
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
	out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false")
	applies := 1
	if err != nil {
		t.Logf("the first apply gave up on some creates (allowed, a re-apply must finish): %s", lastLines(out, 12))
		out, err = cli.Run("apply", "-auto-approve", "-no-color", "-input=false")
		applies++
	}
	if err != nil {
		t.Fatalf("the re-apply failed too: %v\n%s", err, out)
	}
	show, err := cli.Run("show", "-json")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.ServerMatchesStateJSON([]byte(show)); err != nil {
		t.Error(err)
	}
	if len(env.Server.Endpoints()) != 8 {
		t.Errorf("server holds %d endpoints, want 8", len(env.Server.Endpoints()))
	}
	t.Logf("%d apply(s); %d creates sent, %d dropped after commit, %d orphans deleted",
		applies, env.Server.Count(localserver.RouteCreate), env.Server.Injected(), env.Server.Count(localserver.RouteDelete))
	logFaults(t, env, start)
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false"); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

func TestAccWebhookEndpoint_fiftyUnderRateLimiting(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.MaxRetryWait = "2s"
	env.Server.AddFault(localserver.Fault{Every: 4, Status: 429, RetryAfter: "1"})
	cli := acctest.NewCLI(t, manyEndpoints(env, 50))
	start := time.Now()
	if out, err := cli.Run("apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=10"); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	if n := len(env.Server.Endpoints()); n != 50 {
		t.Errorf("server holds %d endpoints, want exactly 50", n)
	}
	if n := env.Server.Count(localserver.RouteCreate) - int64(env.Server.Injected()); n < 50 {
		t.Errorf("only %d creates got through", n)
	}
	show, err := cli.Run("show", "-json")
	if err != nil {
		t.Fatal(err)
	}
	if err := env.ServerMatchesStateJSON([]byte(show)); err != nil {
		t.Error(err)
	}
	logFaults(t, env, start)
	if out, err := cli.Run("destroy", "-auto-approve", "-no-color", "-input=false", "-parallelism=10"); err != nil {
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
