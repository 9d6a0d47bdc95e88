package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

const (
	goodKey  = "rt_test_provider_config_key"
	otherKey = "rt_live_from_the_environment"
)

// configure runs the provider's Configure with the given attribute values
// (nil means null, unknownValue means unknown).
func configure(t *testing.T, attrs map[string]any, deferralAllowed bool) *provider.ConfigureResponse {
	t.Helper()
	ctx := context.Background()
	p := New("test")()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	objectType, ok := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, typ := range objectType.AttributeTypes {
		switch v := attrs[name].(type) {
		case nil:
			values[name] = tftypes.NewValue(typ, nil)
		case unknown:
			values[name] = tftypes.NewValue(typ, tftypes.UnknownValue)
		default:
			values[name] = tftypes.NewValue(typ, v)
		}
	}
	req := provider.ConfigureRequest{
		TerraformVersion:   "1.11.4",
		Config:             tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(objectType, values)},
		ClientCapabilities: provider.ConfigureProviderClientCapabilities{DeferralAllowed: deferralAllowed},
	}
	resp := &provider.ConfigureResponse{}
	p.Configure(ctx, req, resp)
	return resp
}

type unknown struct{}

var unknownValue = unknown{}

func clearEnv(t *testing.T) {
	for _, name := range EnvVars {
		t.Setenv(name, "")
	}
}

func diagText(resp *provider.ConfigureResponse) string {
	var b strings.Builder
	for _, d := range resp.Diagnostics {
		b.WriteString(d.Severity().String() + ": " + d.Summary() + ": " + d.Detail() + "\n")
	}
	return b.String()
}

func TestConfigure_keyFromConfig(t *testing.T) {
	clearEnv(t)
	resp := configure(t, map[string]any{"api_key": goodKey}, false)
	if resp.Diagnostics.HasError() {
		t.Fatal(diagText(resp))
	}
	if _, ok := resp.ResourceData.(*retivo.Client); !ok {
		t.Fatalf("ResourceData is %T, want *retivo.Client", resp.ResourceData)
	}
}

func TestConfigure_keyFromEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvAPIKey, otherKey)
	t.Setenv(EnvBaseURL, "http://127.0.0.1:1/api")
	resp := configure(t, nil, false)
	if resp.Diagnostics.HasError() {
		t.Fatal(diagText(resp))
	}
	if len(resp.Diagnostics) != 0 {
		t.Errorf("unexpected diagnostics: %s", diagText(resp))
	}
}

func TestConfigure_configWinsOverEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvAPIKey, "garbage-from-env")
	t.Setenv(EnvBaseURL, "not a url")
	resp := configure(t, map[string]any{"api_key": goodKey, "base_url": "https://example.com/api"}, false)
	if resp.Diagnostics.HasError() {
		t.Fatalf("config values must win over bad environment values: %s", diagText(resp))
	}
}

func TestConfigure_missingKey(t *testing.T) {
	clearEnv(t)
	resp := configure(t, nil, false)
	text := diagText(resp)
	if !resp.Diagnostics.HasError() || !strings.Contains(text, "api_key") || !strings.Contains(text, EnvAPIKey) {
		t.Fatalf("want an error naming api_key and %s, got %s", EnvAPIKey, text)
	}
}

func TestConfigure_malformedKeyNeverEchoed(t *testing.T) {
	clearEnv(t)
	for _, key := range []string{"sk_live_abcdef123456", "rt_prod_abcdef123456", " rt_test_abcdef123456"} {
		resp := configure(t, map[string]any{"api_key": key}, false)
		text := diagText(resp)
		if !resp.Diagnostics.HasError() || !strings.Contains(text, "rt_test_") {
			t.Errorf("key %q: want an error explaining the prefixes, got %s", key, text)
		}
		if strings.Contains(text, strings.TrimSpace(key)) {
			t.Errorf("the diagnostic echoes the key: %s", text)
		}
		if resp.ResourceData != nil {
			t.Errorf("a client was configured with a malformed key")
		}
	}
}

func TestConfigure_badBaseURL(t *testing.T) {
	clearEnv(t)
	for _, base := range []string{"retivo.ai/api", "ftp://retivo.ai", "https://", "https://retivo.ai/api?x=1"} {
		resp := configure(t, map[string]any{"api_key": goodKey, "base_url": base}, false)
		if text := diagText(resp); !resp.Diagnostics.HasError() || !strings.Contains(text, "base_url") {
			t.Errorf("base_url %q: want an error, got %s", base, text)
		}
	}
}

func TestConfigure_cleartextWarning(t *testing.T) {
	clearEnv(t)
	resp := configure(t, map[string]any{"api_key": goodKey, "base_url": "http://retivo.example.com/api"}, false)
	if resp.Diagnostics.HasError() || resp.Diagnostics.WarningsCount() != 1 {
		t.Fatalf("want one warning, got %s", diagText(resp))
	}
	for _, local := range []string{"http://127.0.0.1:8080/api", "http://localhost/api", "http://[::1]:9/api"} {
		resp := configure(t, map[string]any{"api_key": goodKey, "base_url": local}, false)
		if len(resp.Diagnostics) != 0 {
			t.Errorf("%s: want no diagnostics, got %s", local, diagText(resp))
		}
	}
}

func TestConfigure_retrySettings(t *testing.T) {
	clearEnv(t)
	t.Setenv(EnvMaxRetries, "many")
	resp := configure(t, map[string]any{"api_key": goodKey}, false)
	if !strings.Contains(diagText(resp), EnvMaxRetries) {
		t.Errorf("want an error naming %s, got %s", EnvMaxRetries, diagText(resp))
	}
	clearEnv(t)
	resp = configure(t, map[string]any{"api_key": goodKey, "max_retries": 101, "max_retry_wait": "soon"}, false)
	text := diagText(resp)
	if !strings.Contains(text, "max_retries") || !strings.Contains(text, "max_retry_wait") {
		t.Errorf("want errors for both retry settings, got %s", text)
	}
}

func TestConfigure_unknownValues(t *testing.T) {
	clearEnv(t)
	resp := configure(t, map[string]any{"api_key": unknownValue}, true)
	if resp.Deferred == nil || resp.Diagnostics.HasError() {
		t.Errorf("with deferral allowed, want a deferred configure, got %v %s", resp.Deferred, diagText(resp))
	}
	resp = configure(t, map[string]any{"api_key": unknownValue}, false)
	if text := diagText(resp); !resp.Diagnostics.HasError() || !strings.Contains(text, "known after apply") && !strings.Contains(text, "only known after") {
		t.Errorf("without deferral, want an error explaining the unknown value, got %s", text)
	}
}

func TestUserAgent(t *testing.T) {
	if got, want := userAgent("1.2.3", "1.11.4"), "terraform-provider-retivo/1.2.3 Terraform/1.11.4"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// An empty string in the provider block is a value, not "unset": as in the
// framework providers' convention (a null attribute falls back to the
// environment, any other value wins), it does not fall back to the
// environment variable, and the error says exactly that.
func TestConfigure_emptyStringInBlock(t *testing.T) {
	for attr, env := range map[string]string{"api_key": EnvAPIKey, "base_url": EnvBaseURL, "max_retry_wait": EnvMaxRetryWait} {
		for _, envSet := range []bool{true, false} {
			clearEnv(t)
			envValues := map[string]string{EnvAPIKey: otherKey, EnvBaseURL: "http://127.0.0.1:1/api", EnvMaxRetryWait: "2s"}
			if envSet {
				t.Setenv(env, envValues[env])
			}
			attrs := map[string]any{"api_key": goodKey, attr: ""}
			resp := configure(t, attrs, false)
			text := diagText(resp)
			if !resp.Diagnostics.HasError() || resp.Diagnostics.ErrorsCount() != 1 {
				t.Errorf("%s = \"\" (%s set: %v): want one error, got %s", attr, env, envSet, text)
				continue
			}
			for _, want := range []string{attr + " is set to an empty string", "Remove " + attr, "null"} {
				if !strings.Contains(text, want) {
					t.Errorf("%s = \"\" (%s set: %v): the error does not say %q: %s", attr, env, envSet, want, text)
				}
			}
			if says := strings.Contains(text, env+" environment variable is set"); says != envSet {
				t.Errorf("%s = \"\" (%s set: %v): the error is wrong about the environment: %s", attr, env, envSet, text)
			}
			if strings.Contains(text, otherKey) {
				t.Errorf("the error echoes the API key from the environment: %s", text)
			}
		}
	}
}
