package provider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// Ids that break the id rule are rejected where they enter from the
// configuration (import, the data source, the action's and function's
// arguments), quoted at most in an excerpt and never sent; in a list answer
// they are left out with a warning that counts them.
func TestAccWebhookEndpoint_invalidIDsNeverSent(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	for name, config := range map[string]string{
		"import block": `
import {
  to = retivo_webhook_endpoint.test
  id = ".."
}
resource "retivo_webhook_endpoint" "test" {
  url = "https://example.com/hook"
}
`,
		"data source": `data "retivo_webhook_endpoint" "x" { id = "../x" }`,
		"function":    `output "x" { value = ` + withCredentials(env, `"we 1"`) + ` }`,
	} {
		t.Run(name, func(t *testing.T) {
			cli := acctest.NewCLI(t, env.Config(config))
			out, _, err := cli.Plan(t)
			if err == nil || !strings.Contains(out, "webhook endpoint id") {
				t.Errorf("an invalid id was not rejected (%v):\n%s", err, out)
			}
		})
	}
	for _, route := range []string{localserver.RouteUpdate, localserver.RouteDelete, localserver.RouteTest} {
		if n := env.Server.Count(route); n != 0 {
			t.Errorf("%d %s calls", n, route)
		}
	}
}

// A list answer holding endpoints whose id breaks the rule: they are left
// out, and the data source says how many.
func TestAccWebhookEndpointsDataSource_invalidIDsLeftOut(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteList, Status: 200, Body: `{"endpoints": [
		{"id": "we_good", "url": "https://a.example/h", "description": "", "subscribed_events": [], "active": true},
		{"id": "..", "url": "https://b.example/h", "active": true},
		{"id": "we/evil", "url": "https://c.example/h", "active": true}]}`})
	cli := acctest.NewCLI(t, env.Config(`
data "retivo_webhook_endpoints" "all" {}
output "ids" { value = data.retivo_webhook_endpoints.all.ids }
`))
	out := cli.MustApply(t)
	if !acctest.ErrorPattern("Webhook endpoints with unusable ids left out", "held 2 endpoint(s)").MatchString(out) {
		t.Errorf("no warning counting the left-out endpoints:\n%s", out)
	}
	if !strings.Contains(out, `"we_good"`) || strings.Contains(out, "we/evil") {
		t.Errorf("ids output:\n%s", out)
	}
}

// Credentials pasted into base_url never reach an error or a TRACE log.
func TestAccProvider_baseURLCredentialsNeverShown(t *testing.T) {
	t.Parallel()
	const secret = "rt_test_pasted0123456789abcdef"
	cli := acctest.NewCLI(t, `
variable "base_url" {
  type      = string
  sensitive = true
}
provider "retivo" {
  api_key  = "`+acctest.APIKey+`"
  base_url = var.base_url
}
data "retivo_webhook_endpoints" "all" {}
`)
	for _, baseURL := range []string{
		"http://user:" + secret + "@127.0.0.1:1/api",
		"http://127.0.0.1:1/api?api_key=" + secret,
		"http://127.0.0.1:1/api#" + secret,
	} {
		logPath := filepath.Join(t.TempDir(), "trace.log")
		cli.TraceLog(logPath)
		// As TF_VAR_base_url would (terraform-exec sets no TF_VAR_*): not on
		// the command line, which the TRACE log shows.
		tfvars := fmt.Sprintf("base_url = %q\n", baseURL)
		if err := os.WriteFile(filepath.Join(cli.Dir, "base_url.auto.tfvars"), []byte(tfvars), 0o600); err != nil {
			t.Fatal(err)
		}
		out, _, err := cli.Plan(t)
		if err == nil || !strings.Contains(out, "Invalid Retivo base URL") {
			t.Errorf("base_url with credentials accepted (%v):\n%s", err, out)
		}
		logs, _ := os.ReadFile(logPath)
		for what, text := range map[string]string{"output": out, "TRACE log": string(logs)} {
			if strings.Contains(text, "pasted0123456789") {
				t.Errorf("the %s shows the credentials in base_url", what)
			}
		}
	}
}

// A create answer without a secret: the apply succeeds (the endpoint exists)
// and warns that receivers cannot verify deliveries, with the way out.
func TestAccWebhookEndpoint_createAnswerWithoutSecretWarns(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnvWrapped(t, localserver.Options{}, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || strings.HasSuffix(r.URL.Path, "/test") {
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			var answer map[string]map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &answer); err == nil && answer["endpoint"] != nil {
				delete(answer["endpoint"], "secret")
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(rec.Code)
			_ = json.NewEncoder(w).Encode(answer)
		})
	})
	cli := acctest.NewCLI(t, endpointConfig(env, `url = "https://example.com/no-secret"`))
	out := cli.MustApply(t)
	if !acctest.ErrorPattern("Retivo returned no signing secret", "-replace").MatchString(out) {
		t.Errorf("no warning about the missing secret:\n%s", out)
	}
	if n := len(env.Server.Endpoints()); n != 1 {
		t.Errorf("server holds %d endpoints", n)
	}
}
