package provider_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
)

// A base_url that does not end at the API root gets 404s that are not about
// any endpoint: the error says the base URL is wrong and shows its form.
func TestAccProvider_baseURLWithoutAPI(t *testing.T) {
	for name, wrong := range map[string]func(string) string{
		// The local server, like a web server in front of the API, answers
		// a plain-text 404 outside /api.
		"without /api": func(base string) string { return strings.TrimSuffix(base, "/api") },
		// Under /api, the server answers its JSON error, but on the
		// collection route, which always exists.
		"extra path": func(base string) string { return base + "/v2" },
	} {
		t.Run(name, func(t *testing.T) {
			env := acctest.NewEnv(t, localserver.Options{})
			env.BaseURL = wrong(env.BaseURL)
			wantError := acctest.ErrorPattern("Wrong Retivo base URL", "base_url", "https://retivo.ai/api")
			acctest.ParallelTest(t, resource.TestCase{
				Steps: []resource.TestStep{
					{
						Config:      endpointConfig(env, `url = "https://example.com/wrong-base"`),
						ExpectError: wantError,
					},
					{
						Config:      env.Config(`data "retivo_webhook_endpoint" "x" { id = "we_0123" }`),
						ExpectError: wantError,
					},
				},
			})
			if n := len(env.Server.Endpoints()); n != 0 {
				t.Errorf("the server holds %d endpoints", n)
			}
		})
	}
}

// A delete that meets a wrong base URL must fail, not take the 404 for
// "already deleted" and forget an endpoint that still exists.
func TestAccProvider_wrongBaseURLNeverForgetsAnEndpoint(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	config := endpointConfig(env, `url = "https://example.com/kept"`)
	cli := acctest.NewCLI(t, config)
	if out, err := cli.Apply(t); err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	good := env.BaseURL
	env.BaseURL = strings.TrimSuffix(good, "/api")
	cli.WriteMain(t, endpointConfig(env, `url = "https://example.com/kept"`))
	out, err := cli.Destroy(t, tfexec.Refresh(false))
	if err == nil {
		t.Fatalf("destroy with a wrong base URL succeeded:\n%s", out)
	}
	if !acctest.ErrorPattern("Wrong Retivo base URL", "https://retivo.ai/api").MatchString(out) {
		t.Errorf("destroy error does not name the fix:\n%s", out)
	}
	if n := len(env.Server.Endpoints()); n != 1 {
		t.Fatalf("the server holds %d endpoints, want the 1 still managed", n)
	}
	if out, _ := cli.Exec(t, "", "state", "list"); !strings.Contains(out, endpointAddress) {
		t.Errorf("the endpoint left the state although it still exists:\n%s", out)
	}
	env.BaseURL = good
	cli.WriteMain(t, config)
	if out, err := cli.Destroy(t); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}

// api_key = "" in the provider block while RETIVO_API_KEY is set: the error
// says that the empty string wins over the variable and how to use it.
func TestAccProvider_emptyAPIKeyWithEnvironmentSet(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.SetProviderEnv(t, map[string]string{provider.EnvAPIKey: acctest.APIKey})
	block := func(apiKey string) string {
		return `
provider "retivo" {
` + apiKey + `
  base_url = "` + env.BaseURL + `"
}

data "retivo_webhook_endpoints" "all" {}
`
	}
	cli := acctest.NewCLI(t, block(`  api_key = ""`))
	out, _, err := cli.Plan(t)
	if err == nil {
		t.Fatalf("plan with api_key = \"\" succeeded:\n%s", out)
	}
	if !acctest.ErrorPattern(`api_key is set to an empty string`, `RETIVO_API_KEY environment variable is set, but a value given explicitly wins`, `Remove api_key`).MatchString(out) {
		t.Errorf("the error does not tell the truth about api_key and RETIVO_API_KEY:\n%s", out)
	}
	if strings.Contains(out, acctest.APIKey) {
		t.Errorf("the output contains the API key:\n%s", out)
	}
	// Following the advice works.
	cli.WriteMain(t, block(`  api_key = null`))
	if out, _, err := cli.Plan(t); err != nil {
		t.Errorf("plan with api_key = null and RETIVO_API_KEY set: %v\n%s", err, out)
	}
}

// mode = "live" in the provider block refuses a test-mode key when the
// provider is configured, before any request.
func TestAccProvider_modeRefusesAKeyOfTheOtherMode(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.ParallelTest(t, resource.TestCase{
		Steps: []resource.TestStep{{
			Config: env.ProviderBlock(`  mode = "live"`) + ordersEndpoint,
			ExpectError: acctest.ErrorPattern("Retivo API key of the wrong mode", `sets mode = "live"`,
				"test-mode key (rt_test_…)", "refused before any request", "live-mode key (rt_live_…)"),
		}},
	})
	if n := env.Server.TotalRequests(); n != 0 {
		t.Errorf("the provider sent %d requests with a key of the wrong mode (%v)", n, env.Server.Stats())
	}
}
