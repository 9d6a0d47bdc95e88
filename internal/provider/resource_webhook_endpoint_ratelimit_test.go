package provider_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// accountRateLimit is the shared account's limit in the load test: a token
// bucket of 10 requests a second, 429 with Retry-After: 1 beyond it.
var accountRateLimit = localserver.Fault{PerSecond: 10, Status: 429, RetryAfter: "1"}

// workspaceConfig is one CI pipeline's configuration: n endpoints of its
// own, and a provider block with only the credentials (default retries).
func workspaceConfig(env *acctest.Env, workspace, n int) string {
	return fmt.Sprintf(`
provider "retivo" {
  api_key  = %q
  base_url = %q
}

resource "retivo_webhook_endpoint" "many" {
  count = %d
  url   = "https://example.com/workspace-%d/${count.index}"
}
`, acctest.APIKey, env.BaseURL, n, workspace)
}

// Four CI pipelines (four directories, four provider servers) apply 25
// endpoints each at once, default settings, against one account limited to
// 10 requests a second; then they destroy at once. Every command succeeds:
// a rate limit is waited out until the caller's deadline, and each
// provider's pacer slows its requests while 429s arrive.
func TestAccWebhookEndpoint_fourWorkspacesShareARateLimitedAccount(t *testing.T) {
	t.Parallel()
	const workspaces, perWorkspace = 4, 25
	env := acctest.NewEnv(t, localserver.Options{})
	clis := make([]*acctest.CLI, workspaces)
	for i := range clis {
		clis[i] = acctest.NewCLI(t, workspaceConfig(env, i, perWorkspace))
	}
	env.Server.AddFault(accountRateLimit)

	all := func(command string, run func(*acctest.CLI) (string, error)) {
		t.Helper()
		start, before := time.Now(), env.Server.Injected()
		requests := env.Server.TotalRequests()
		errs := make([]error, workspaces)
		outs := make([]string, workspaces)
		var wg sync.WaitGroup
		for i, cli := range clis {
			wg.Go(func() { outs[i], errs[i] = run(cli) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("%s of workspace %d failed: %v\n%s", command, i, err, lastLines(outs[i], 15))
			}
		}
		limited := env.Server.Injected() - before
		answered := env.Server.TotalRequests() - requests - int64(limited)
		t.Logf("%d concurrent %ss: %s, %d requests answered, %d answered 429 (%.2f per answered request)",
			workspaces, command, time.Since(start).Round(100*time.Millisecond), answered, limited,
			float64(limited)/float64(max(answered, 1)))
	}

	all("apply", func(cli *acctest.CLI) (string, error) { return cli.Apply(t) })
	union := map[string]string{}
	for _, cli := range clis {
		for id, secret := range acctest.StateEndpoints(cli.MustShow(t)) {
			union[id] = secret
		}
	}
	if len(union) != workspaces*perWorkspace || len(env.Server.Endpoints()) != len(union) {
		t.Errorf("the states hold %d endpoints and the server %d; want %d in both", len(union),
			len(env.Server.Endpoints()), workspaces*perWorkspace)
	}
	for _, e := range env.Server.Endpoints() {
		if secret, ok := union[e.ID]; !ok || secret != e.Secret {
			t.Errorf("endpoint %s on the server is in no state, or with another secret", e.ID)
		}
	}

	all("destroy", func(cli *acctest.CLI) (string, error) { return cli.Destroy(t) })
	if n := len(env.Server.Endpoints()); n != 0 {
		t.Errorf("%d endpoints left after the destroys", n)
	}
}

// A team that knows its quota caps the provider's rate below it: no request
// is ever answered 429.
func TestAccProvider_maxRequestsPerSecondKeepsUnderTheQuota(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{PerSecond: 5, Status: 429, RetryAfter: "1"})
	cli := acctest.NewCLI(t, env.ProviderBlock("  max_requests_per_second = 4")+`
resource "retivo_webhook_endpoint" "many" {
  count = 12
  url   = "https://example.com/capped/${count.index}"
}
`)
	cli.MustApply(t)
	cli.MustDestroy(t)
	if n := env.Server.Injected(); n != 0 {
		t.Errorf("%d requests were answered 429 although the provider was capped below the quota", n)
	}
}

// A data source's read waits out a rate limit until its timeouts block's
// read value, and the error names that setting and the rate cap.
func TestAccWebhookEndpointsDataSource_rateLimitEndsAtItsReadTimeout(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Status: 429, RetryAfter: "1"})
	cli := acctest.NewCLI(t, env.Config(`
data "retivo_webhook_endpoints" "all" {
  timeouts {
    read = "3s"
  }
}
`))
	out, _, err := cli.Plan(t)
	if err == nil || !acctest.ErrorPattern("Retivo rate limit", "max_requests_per_second", `timeouts { read = "10m" }`).MatchString(out) {
		t.Errorf("want the rate limit named with the data source's read timeout (%v):\n%s", err, out)
	}
}
