// Package provider maps Terraform to the Retivo webhooks API.
package provider

import (
	"context"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

var (
	_ provider.Provider                  = (*retivoProvider)(nil)
	_ provider.ProviderWithFunctions     = (*retivoProvider)(nil)
	_ provider.ProviderWithActions       = (*retivoProvider)(nil)
	_ provider.ProviderWithListResources = (*retivoProvider)(nil)
)

// The optional framework interfaces each object implements, in one place
// beside the lists below that register the objects (and so check their base
// interfaces): the framework calls Configure, ImportState, IdentitySchema and
// ModifyPlan only through these, so a method whose signature drifted would
// otherwise be skipped in silence rather than fail to compile.
var (
	_ resource.ResourceWithConfigure     = (*webhookEndpointResource)(nil)
	_ resource.ResourceWithImportState   = (*webhookEndpointResource)(nil)
	_ resource.ResourceWithIdentity      = (*webhookEndpointResource)(nil)
	_ resource.ResourceWithModifyPlan    = (*webhookEndpointResource)(nil)
	_ datasource.DataSourceWithConfigure = (*webhookEndpointDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*webhookEndpointsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*webhookEndpointTestDataSource)(nil)
	_ list.ListResourceWithConfigure     = (*webhookEndpointListResource)(nil)
	_ action.ActionWithConfigure         = (*webhookEndpointTestAction)(nil)
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
	APIKey               types.String  `tfsdk:"api_key"`
	BaseURL              types.String  `tfsdk:"base_url"`
	MaxRetries           types.Int64   `tfsdk:"max_retries"`
	MaxRetryWait         types.String  `tfsdk:"max_retry_wait"`
	MaxRequestsPerSecond types.Float64 `tfsdk:"max_requests_per_second"`
	Mode                 types.String  `tfsdk:"mode"`
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
				MarkdownDescription: fmt.Sprintf("How many times a call is retried after a fault: a server error "+
					"(500, 502, 504, 503 without `Retry-After`) or a dropped or refused connection. Defaults to %d; "+
					"`0` disables retries. A rate limit (429, or 503 with `Retry-After`) is no fault: it is waited "+
					"out until the operation's deadline (its `timeouts`), whatever this says. May also be set with "+
					"the `%s` environment variable.", retivo.DefaultMaxRetries, EnvMaxRetries),
				Optional: true,
			},
			"max_retry_wait": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("Longest wait between two attempts, as a Go duration such as `30s`, "+
					"before jitter; a longer `Retry-After` from the server is cut to it. Defaults to `%s`. May also "+
					"be set with the `%s` environment variable.", retivo.DefaultRetryWaitMax, EnvMaxRetryWait),
				Optional: true,
			},
			"max_requests_per_second": schema.Float64Attribute{
				MarkdownDescription: fmt.Sprintf("Caps the requests this provider configuration sends a second, "+
					"such as `5` or `0.5`, for teams that know their account's quota and share it. Without it the "+
					"provider sends as fast as Terraform asks, and slows down on its own when Retivo answers 429. "+
					"At most %d. May also be set with the `%s` environment variable.", maxRequestsPerSecond,
					EnvMaxRequestsPerSecond),
				Optional: true,
			},
			"mode": schema.StringAttribute{
				MarkdownDescription: "`test` or `live`: the only mode of API key this provider configuration " +
					"accepts. A key of the other mode is refused when the provider is configured, before any " +
					"request, so that a mixed-up key (a CI variable, say) cannot plan new endpoints in the other " +
					"mode. Left out, a key of either mode is accepted, and each endpoint still refuses a key of " +
					"the other mode than its own (its `mode` attribute).",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(retivo.ModeTest, retivo.ModeLive)},
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

	cfg, problems := resolveSettings(config.given(), providerBlock, os.Getenv)
	for _, p := range problems {
		resp.Diagnostics.AddAttributeError(path.Root(p.Setting), p.Summary, p.Detail)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	ctx = tflog.MaskAllFieldValuesStrings(ctx, cfg.APIKey)
	if warning := cleartextWarning(cfg.BaseURL); warning != "" {
		resp.Diagnostics.AddAttributeWarning(path.Root("base_url"), "API key sent without encryption", warning)
	}

	client, err := newClient(cfg, userAgent(p.version, req.TerraformVersion))
	if err != nil {
		resp.Diagnostics.AddError("Invalid Retivo provider configuration", err.Error())
		return
	}
	tflog.Debug(ctx, "Configured the Retivo client", map[string]any{"base_url": cfg.BaseURL})
	resp.ResourceData = client
	resp.DataSourceData = client
	resp.ActionData = client
	resp.ListResourceData = client
}

func (p *retivoProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{NewWebhookEndpointResource}
}

func (p *retivoProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{NewWebhookEndpointDataSource, NewWebhookEndpointsDataSource,
		NewWebhookEndpointTestDataSource}
}

func (p *retivoProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{newTestWebhookEndpointFunction(p.version), newDecryptSecretFunction}
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

// given is what the provider block sets; null attributes are not given.
func (c providerModel) given() givenSettings {
	var g givenSettings
	if !c.APIKey.IsNull() {
		g.APIKey = c.APIKey.ValueStringPointer()
	}
	if !c.BaseURL.IsNull() {
		g.BaseURL = c.BaseURL.ValueStringPointer()
	}
	if !c.MaxRetries.IsNull() {
		g.MaxRetries = c.MaxRetries.ValueInt64Pointer()
	}
	if !c.MaxRetryWait.IsNull() {
		g.MaxRetryWait = c.MaxRetryWait.ValueStringPointer()
	}
	if !c.MaxRequestsPerSecond.IsNull() {
		g.MaxRequestsPerSecond = c.MaxRequestsPerSecond.ValueFloat64Pointer()
	}
	g.Mode = c.Mode.ValueString()
	return g
}

func anyUnknown(c providerModel) bool {
	return c.APIKey.IsUnknown() || c.BaseURL.IsUnknown() || c.MaxRetries.IsUnknown() || c.MaxRetryWait.IsUnknown() ||
		c.MaxRequestsPerSecond.IsUnknown() || c.Mode.IsUnknown()
}

func addUnknownConfigErrors(c providerModel, resp *provider.ConfigureResponse) {
	unknown := []struct {
		name      string
		isUnknown bool
	}{
		{"api_key", c.APIKey.IsUnknown()}, {"base_url", c.BaseURL.IsUnknown()},
		{"max_retries", c.MaxRetries.IsUnknown()}, {"max_retry_wait", c.MaxRetryWait.IsUnknown()},
		{"max_requests_per_second", c.MaxRequestsPerSecond.IsUnknown()}, {"mode", c.Mode.IsUnknown()},
	}
	for _, u := range unknown {
		if u.isUnknown {
			resp.Diagnostics.AddAttributeError(path.Root(u.name), "Unknown Retivo provider "+u.name,
				"The provider cannot be configured because "+u.name+" depends on a value that is only known after "+
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
