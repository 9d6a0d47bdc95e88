// Package acctest holds what the provider's acceptance tests share: a local
// Retivo server per test, provider factories, configuration helpers and a way
// to run the Terraform CLI directly against the in-process provider.
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
)

// APIKey is the key every test server accepts.
const APIKey = "rt_test_acceptance_0123456789abcdef"

// ProtoV6ProviderFactories serve the provider in-process for terraform-plugin-testing.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"retivo": providerserver.NewProtocol6WithError(provider.New("test")()),
}

// Env is one test's world: a local Retivo server and a webhook receiver.
type Env struct {
	Server *localserver.Server
	// BaseURL is the API root to give the provider.
	BaseURL string
	// Receiver records test deliveries; ReceiverURL reaches it.
	Receiver    *localserver.Receiver
	ReceiverURL string
	// MaxRetryWait is the provider's max_retry_wait; short by default so
	// retries do not slow the tests down.
	MaxRetryWait string
}

// NewEnv starts a local Retivo server and a receiver for the test, both
// stopped when it ends. It also clears the provider's environment variables,
// so the developer's own settings cannot leak into a test.
func NewEnv(t *testing.T, opts localserver.Options) *Env {
	t.Helper()
	return NewEnvWrapped(t, opts, nil)
}

// NewEnvWrapped is NewEnv with the local server's handler wrapped, to play a
// Retivo that behaves unlike the local server (one that rewrites values,
// say); nil wraps nothing.
func NewEnvWrapped(t *testing.T, opts localserver.Options, wrap func(http.Handler) http.Handler) *Env {
	t.Helper()
	for _, name := range provider.EnvVars {
		t.Setenv(name, "")
	}
	if opts.APIKeys == nil {
		opts.APIKeys = []string{APIKey}
	}
	server := localserver.New(opts)
	var handler http.Handler = server
	if wrap != nil {
		handler = wrap(server)
	}
	api := httptest.NewServer(handler)
	t.Cleanup(api.Close)
	receiver := localserver.NewReceiver()
	hooks := httptest.NewServer(receiver)
	t.Cleanup(hooks.Close)
	return &Env{
		Server:       server,
		BaseURL:      api.URL + server.PathPrefix(),
		Receiver:     receiver,
		ReceiverURL:  hooks.URL,
		MaxRetryWait: "50ms",
	}
}

// ProviderBlock is a provider block for this environment; extra lines go
// inside it.
func (e *Env) ProviderBlock(extra ...string) string {
	return fmt.Sprintf(`
provider "retivo" {
  api_key        = %q
  base_url       = %q
  max_retry_wait = %q
%s
}
`, APIKey, e.BaseURL, e.MaxRetryWait, strings.Join(extra, "\n"))
}

// ConfigKeyFromEnv is Config with the API key given through RETIVO_API_KEY
// instead of the provider block, so that it appears in no configuration.
func (e *Env) ConfigKeyFromEnv(t *testing.T, body string) string {
	t.Setenv(provider.EnvAPIKey, APIKey)
	return fmt.Sprintf(`
provider "retivo" {
  base_url       = %q
  max_retry_wait = %q
}
`, e.BaseURL, e.MaxRetryWait) + body
}

// Config is the provider block followed by the given configuration.
func (e *Env) Config(body string) string {
	return e.ProviderBlock() + body
}

// ErrorPattern matches an error that contains each part in order. Spaces in
// a part match any run of whitespace, since Terraform wraps long diagnostics.
func ErrorPattern(parts ...string) *regexp.Regexp {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		quoted[i] = strings.Join(words, `\s+`)
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

// Test runs an acceptance test case with what every test of this provider
// shares filled in when the case leaves it empty: the Terraform CLI check and
// the in-process provider.
func Test(t *testing.T, c resource.TestCase) {
	t.Helper()
	if c.PreCheck == nil {
		c.PreCheck = func() { PreCheck(t) }
	}
	if c.ProtoV6ProviderFactories == nil {
		c.ProtoV6ProviderFactories = ProtoV6ProviderFactories
	}
	resource.Test(t, c)
}
