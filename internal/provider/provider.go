// Package provider maps Terraform to the Retivo webhooks API.
package provider

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// Environment variables the provider reads when its block leaves a value out.
const (
	EnvAPIKey       = "RETIVO_API_KEY"
	EnvBaseURL      = "RETIVO_BASE_URL"
	EnvMaxRetries   = "RETIVO_MAX_RETRIES"
	EnvMaxRetryWait = "RETIVO_MAX_RETRY_WAIT"
)

// EnvVars are all the environment variables the provider reads.
var EnvVars = []string{EnvAPIKey, EnvBaseURL, EnvMaxRetries, EnvMaxRetryWait}

var (
	_ provider.Provider                  = (*retivoProvider)(nil)
	_ provider.ProviderWithFunctions     = (*retivoProvider)(nil)
	_ provider.ProviderWithActions       = (*retivoProvider)(nil)
	_ provider.ProviderWithListResources = (*retivoProvider)(nil)
)

// New returns a function that makes a provider of the given version, as
// providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &retivoProvider{version: version} }
}

type retivoProvider struct {
	version string
}

type providerModel struct {
	APIKey       types.String `tfsdk:"api_key"`
	BaseURL      types.String `tfsdk:"base_url"`
	MaxRetries   types.Int64  `tfsdk:"max_retries"`
	MaxRetryWait types.String `tfsdk:"max_retry_wait"`
}

func (p *retivoProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "retivo"
	resp.Version = p.version
}

func (p *retivoProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages [Retivo](https://retivo.ai) outbound webhook endpoints.",
		Attributes: map[string]schema.Attribute{
			"api_key": schema.StringAttribute{
				MarkdownDescription: "Retivo API key, sent as a bearer token. Keys starting with `rt_test_` work in " +
					"test mode, keys starting with `rt_live_` in live (production) mode; endpoints made with one " +
					"are not visible to the other. May also be set with the `" + EnvAPIKey + "` environment " +
					"variable; a value set here wins, even `\"\"` (an error): leave the attribute out or set it " +
					"to `null` to use the variable.",
				Optional:  true,
				Sensitive: true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "Root URL of the Retivo API, including its `/api` path. Defaults to `" + retivo.DefaultBaseURL + "`. May also be " +
					"set with the `" + EnvBaseURL + "` environment variable; a value set here wins.",
				Optional: true,
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a call is retried after a rate limit (429), an "+
					"unavailable service (502, 503, 504) or a refused connection. Defaults to %d; `0` disables "+
					"retries. May also be set with the `%s` environment variable.", retivo.DefaultMaxRetries, EnvMaxRetries),
				Optional: true,
			},
			"max_retry_wait": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest wait between two attempts, as a Go duration such as `30s`; "+
					"a longer `Retry-After` from the server is cut to it. Defaults to `%s`. May also be set with "+
					"the `%s` environment variable.", retivo.DefaultRetryWaitMax, EnvMaxRetryWait),
				Optional: true,
			},
		},
	}
}

func (p *retivoProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if anyUnknown(config) {
		// A value that depends on another resource is not known during plan.
		// Terraform 1.9+ can defer the work; older versions need a known value.
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &provider.Deferred{Reason: provider.DeferredReasonProviderConfigUnknown}
			return
		}
		addUnknownConfigErrors(config, resp)
		return
	}

	settings, diags := resolveSettings(config, os.Getenv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, settings.APIKey)
	if warning := cleartextWarning(settings.BaseURL); warning != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("base_url"), "API key sent without encryption", warning)
	}

	client, err := retivo.New(retivo.Config{
		BaseURL:      settings.BaseURL,
		APIKey:       settings.APIKey,
		UserAgent:    userAgent(p.version, req.TerraformVersion),
		MaxRetries:   settings.MaxRetries,
		RetryWaitMax: settings.MaxRetryWait,
	})
	if err != nil {
		resp.Diagnostics.AddError("Invalid Retivo provider configuration", err.Error())
		return
	}
	client.SetLogger(newHTTPLogger(client.Redactor()))
	tflog.Debug(ctx, "Configured the Retivo client", map[string]any{"base_url": settings.BaseURL})
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.ActionData = client
	resp.ListResourceData = client
}

func (p *retivoProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewWebhookEndpointResource}
}

func (p *retivoProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewWebhookEndpointDataSource, NewWebhookEndpointsDataSource}
}

func (p *retivoProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{newTestWebhookEndpointFunction(p.version)}
}

// Actions need Terraform 1.14 or later; older versions ignore them.
func (p *retivoProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{NewWebhookEndpointTestAction}
}

// ListResources need Terraform 1.14 or later (terraform query).
func (p *retivoProvider) ListResources(context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewWebhookEndpointListResource}
}

func userAgent(providerVersion, terraformVersion string) string {
	if terraformVersion == "" {
		terraformVersion = "unknown"
	}
	return fmt.Sprintf("terraform-provider-retivo/%s Terraform/%s", providerVersion, terraformVersion)
}

// settings is the provider configuration after environment fallbacks and
// defaults, checked.
type settings struct {
	APIKey       string
	BaseURL      string
	MaxRetries   int
	MaxRetryWait time.Duration
}

// resolveSettings merges the provider block with the environment (the block
// wins) and checks every value, reporting all problems at once. No diagnostic
// ever contains the API key.
func resolveSettings(config providerModel, getenv func(string) string) (settings, diag.Diagnostics) {
	var s settings
	var diags diag.Diagnostics
	if diags = emptyStringsInBlock(config, getenv); diags.HasError() {
		return s, diags
	}

	s.APIKey = stringOr(config.APIKey, getenv(EnvAPIKey))
	if s.APIKey == "" {
		diags.AddAttributeError(path.Root("api_key"), "Missing Retivo API key",
			"The provider needs a Retivo API key. Set the api_key attribute in the provider block or the "+
				EnvAPIKey+" environment variable. Keys start with rt_test_ (test mode) or rt_live_ (live mode).")
	} else if err := retivo.CheckAPIKey(s.APIKey); err != nil {
		diags.AddAttributeError(path.Root("api_key"), "Malformed Retivo API key",
			"The API key from "+sourceOf(config.APIKey, "api_key", EnvAPIKey)+" is not a Retivo API key: "+err.Error()+
				". Copy the key from the Retivo dashboard; it starts with rt_test_ (test mode) or rt_live_ (live mode).")
	}

	s.BaseURL = stringOr(config.BaseURL, getenv(EnvBaseURL))
	if base, err := retivo.ParseBaseURL(s.BaseURL); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Retivo base URL",
			"The base URL from "+sourceOf(config.BaseURL, "base_url", EnvBaseURL)+" is not usable: "+err.Error()+".")
	} else {
		s.BaseURL = base.String()
	}

	s.MaxRetries = retivo.DefaultMaxRetries
	switch {
	case !config.MaxRetries.IsNull():
		s.MaxRetries = int(config.MaxRetries.ValueInt64())
	case getenv(EnvMaxRetries) != "":
		n, err := strconv.Atoi(getenv(EnvMaxRetries))
		if err != nil {
			diags.AddAttributeError(path.Root("max_retries"), "Invalid "+EnvMaxRetries,
				fmt.Sprintf("%s must be a whole number, got %q.", EnvMaxRetries, getenv(EnvMaxRetries)))
		}
		s.MaxRetries = n
	}
	if s.MaxRetries < 0 || s.MaxRetries > 100 {
		diags.AddAttributeError(path.Root("max_retries"), "Invalid max_retries",
			fmt.Sprintf("max_retries must be between 0 and 100, got %d.", s.MaxRetries))
	}
	if s.MaxRetries == 0 {
		s.MaxRetries = -1 // the client reads 0 as "default"
	}

	s.MaxRetryWait = retivo.DefaultRetryWaitMax
	if raw := stringOr(config.MaxRetryWait, getenv(EnvMaxRetryWait)); raw != "" {
		d, err := time.ParseDuration(raw)
		if err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("max_retry_wait"), "Invalid max_retry_wait",
				fmt.Sprintf("max_retry_wait from %s must be a positive duration such as \"30s\" or \"2m\", got %q.",
					sourceOf(config.MaxRetryWait, "max_retry_wait", EnvMaxRetryWait), raw))
		}
		s.MaxRetryWait = d
	}
	return s, diags
}

// emptyStringsInBlock reports the provider block's string attributes set to
// "". Like the framework providers' convention (HashiCups, the scaffolding
// and those built on them), only a null attribute falls back to its
// environment variable; an empty string is a value, and as a key, a URL or
// a duration it can only be a mistake (often a variable whose default is ""
// instead of null), so say so rather than silently ignore the environment.
func emptyStringsInBlock(config providerModel, getenv func(string) string) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, a := range []struct {
		name, env string
		value     types.String
	}{
		{"api_key", EnvAPIKey, config.APIKey},
		{"base_url", EnvBaseURL, config.BaseURL},
		{"max_retry_wait", EnvMaxRetryWait, config.MaxRetryWait},
	} {
		if a.value.IsNull() || a.value.IsUnknown() || a.value.ValueString() != "" {
			continue
		}
		envState := "The " + a.env + " environment variable is not set either."
		if getenv(a.env) != "" {
			envState = "The " + a.env + " environment variable is set, but a value in the provider block wins " +
				"over it, even an empty one."
		}
		diags.AddAttributeError(path.Root(a.name), "Empty Retivo provider "+a.name,
			a.name+" is set to an empty string in the provider block. "+envState+" Remove "+a.name+" from the "+
				"provider block (or set it to null, e.g. with a variable whose default is null rather than \"\") "+
				"to use "+a.env+" or the default, or set it to a real value.")
	}
	return diags
}

func stringOr(v types.String, fallback string) string {
	if v.IsNull() || v.IsUnknown() {
		return fallback
	}
	return v.ValueString()
}

func sourceOf(v types.String, attribute, env string) string {
	if v.IsNull() {
		return "the " + env + " environment variable"
	}
	return "the " + attribute + " attribute"
}

func anyUnknown(c providerModel) bool {
	return c.APIKey.IsUnknown() || c.BaseURL.IsUnknown() || c.MaxRetries.IsUnknown() || c.MaxRetryWait.IsUnknown()
}

func addUnknownConfigErrors(c providerModel, resp *provider.ConfigureResponse) {
	unknown := map[string]bool{
		"api_key": c.APIKey.IsUnknown(), "base_url": c.BaseURL.IsUnknown(),
		"max_retries": c.MaxRetries.IsUnknown(), "max_retry_wait": c.MaxRetryWait.IsUnknown(),
	}
	for name, isUnknown := range unknown {
		if isUnknown {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown Retivo provider "+name,
				"The provider cannot be configured because "+name+" depends on a value that is only known after "+
					"apply. Use a value known at plan time (a literal, a variable or an environment variable), or "+
					"apply the resources it depends on first with -target.")
		}
	}
}

// cleartextWarning explains the risk of sending the key over plain http to
// anything but this machine.
func cleartextWarning(baseURL string) string {
	if !strings.HasPrefix(baseURL, "http://") {
		return ""
	}
	u, err := retivo.ParseBaseURL(baseURL)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if host == "localhost" {
		return ""
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return ""
	}
	return fmt.Sprintf("base_url %q uses plain http to a host that is not this machine, so the API key "+
		"travels in clear text. Use https.", baseURL)
}
