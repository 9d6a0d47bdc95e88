// Package acctest holds what the provider's acceptance tests share: a local
// Retivo server per test, provider factories, configuration helpers and the
// CLI under test driven through terraform-exec (CLI).
package acctest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// APIKey and LiveAPIKey are the test-mode and the live-mode key every test
// server accepts, unless the test names its own keys.
const (
	APIKey     = "rt_test_acceptance_0123456789abcdef"
	LiveAPIKey = "rt_live_acceptance_0123456789abcdef"
)

// ProtoV6ProviderFactories serve the provider in-process for terraform-plugin-testing.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"retivo": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Env is one test's world: a local Retivo server (BaseURL is the API root)
// and a webhook receiver that records test deliveries.
type Env struct {
	Server      *localserver.Server
	BaseURL     string
	Receiver    *localserver.Receiver
	ReceiverURL string
	// The provider's retry settings; the wait is short by default so that
	// retries do not slow the tests down.
	MaxRetries   int
	MaxRetryWait string
}

// NewEnv starts a local Retivo server and a receiver for the test, both
// stopped when it ends. It touches no environment variable, so tests that
// use it may run in parallel: the provider block (ProviderBlock) sets every
// setting, so the environment cannot leak into the provider either.
func NewEnv(t testing.TB, opts localserver.Options) *Env {
	t.Helper()
	return NewEnvWrapped(t, opts, nil)
}

// NewEnvWrapped is NewEnv with the local server's handler wrapped, to play a
// Retivo that behaves unlike the local server (one that rewrites values,
// say); nil wraps nothing.
func NewEnvWrapped(t testing.TB, opts localserver.Options, wrap func(http.Handler) http.Handler) *Env {
	t.Helper()
	if opts.APIKeys == nil {
		opts.APIKeys = []string{APIKey, LiveAPIKey}
	}
	server := localserver.New(opts)
	var handler http.Handler = server
	if wrap != nil {
		handler = wrap(server)
	}
	api := httptest.NewServer(handler)
	t.Cleanup(api.Close)
	// Cleanups run last-first: requests a failed test left held are
	// released before Close waits for them.
	t.Cleanup(func() { server.ReleaseAll() })
	receiver := localserver.NewReceiver()
	hooks := httptest.NewServer(receiver)
	t.Cleanup(hooks.Close)
	return &Env{Server: server, BaseURL: api.URL + server.PathPrefix(), Receiver: receiver, ReceiverURL: hooks.URL,
		MaxRetries: retivo.DefaultMaxRetries, MaxRetryWait: "50ms"}
}

// ProviderBlock is a provider block for this environment that sets every
// provider setting; extra lines go inside it.
func (e *Env) ProviderBlock(extra ...string) string {
	return e.ProviderBlockWithKey(APIKey, extra...)
}

// ProviderBlockWithKey is ProviderBlock with another API key.
func (e *Env) ProviderBlockWithKey(key string, extra ...string) string {
	return e.providerBlock(fmt.Sprintf("  api_key        = %q\n", key), extra...)
}

func (e *Env) providerBlock(key string, extra ...string) string {
	return fmt.Sprintf(`
provider "retivo" {
%s  base_url       = %q
  max_retries    = %d
  max_retry_wait = %q
%s
}
`, key, e.BaseURL, e.MaxRetries, e.MaxRetryWait, strings.Join(extra, "\n"))
}

// Config is the provider block followed by the given configuration.
func (e *Env) Config(body string) string {
	return e.ProviderBlock() + body
}

// SetProviderEnv is the one way a test sets the provider's environment
// variables (provider.EnvVars): it clears them all, then sets values, for the
// rest of the test, which cannot be parallel (t.Setenv panics then).
func SetProviderEnv(t *testing.T, values map[string]string) {
	t.Helper()
	for _, name := range provider.EnvVars {
		t.Setenv(name, values[name])
	}
}

// ConfigKeyFromEnv is Config with the API key in RETIVO_API_KEY, in no
// configuration; the test must be serial (SerialTest).
func (e *Env) ConfigKeyFromEnv(t *testing.T, body string) string {
	SetProviderEnv(t, map[string]string{provider.EnvAPIKey: APIKey})
	return e.providerBlock("") + body
}

// ErrorPattern matches an error that contains each part in order. Spaces in
// a part match any run of whitespace, since Terraform wraps long diagnostics.
func ErrorPattern(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`) // QuoteMeta leaves spaces as they are
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

// PreCheck skips nothing: the local server needs no credentials. It only
// makes sure the Terraform CLI is there, failing loudly rather than skipping.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		return // terraform-plugin-testing skips the test itself
	}
	if _, err := lookTerraform(); err != nil {
		t.Fatalf("acceptance tests need the Terraform CLI on PATH: %v", err)
	}
}

// ParallelTest runs an acceptance test case in parallel with the others,
// with PreCheck and the in-process provider when the case sets neither.
func ParallelTest(t *testing.T, c resource.TestCase) {
	t.Helper()
	resource.ParallelTest(t, withDefaults(t, c))
}

// SerialTest is ParallelTest for the few tests that set environment
// variables (SetProviderEnv, TF_LOG): they run alone.
func SerialTest(t *testing.T, c resource.TestCase) {
	t.Helper()
	resource.Test(t, withDefaults(t, c))
}

func withDefaults(t *testing.T, c resource.TestCase) resource.TestCase {
	if c.PreCheck == nil {
		c.PreCheck = func() { PreCheck(t) }
	}
	if c.ProtoV6ProviderFactories == nil {
		c.ProtoV6ProviderFactories = ProtoV6ProviderFactories
	}
	return c
}
