package provider

import (
	"context"
	"crypto/sha256"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"golang.org/x/sync/singleflight"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// newTestWebhookEndpointFunction returns provider::retivo::test_webhook_endpoint.
func newTestWebhookEndpointFunction(version string) func() function.Function {
	return func() function.Function { return &testWebhookEndpointFunction{version: version} }
}

// testWebhookEndpointFunction sends a test event to an endpoint.
//
// Terraform calls provider functions on an unconfigured provider instance, so
// the function cannot use the provider block: it resolves its settings like
// the provider (resolveSettings), from an optional second argument, then the
// RETIVO_* environment variables, then the defaults.
type testWebhookEndpointFunction struct {
	version string
}

// testResultModel is a test delivery's result as Terraform values: the
// function's result and the gate data source's computed attributes.
type testResultModel struct {
	Success    types.Bool   `tfsdk:"success"`
	Status     types.Int64  `tfsdk:"status"`
	StatusText types.String `tfsdk:"status_text"`
	Error      types.String `tfsdk:"error"`
}

func newTestResultModel(r *retivo.TestResult) testResultModel {
	return testResultModel{Success: types.BoolValue(r.Success), Status: types.Int64Value(int64(r.Status)),
		StatusText: types.StringValue(r.StatusText), Error: types.StringValue(r.Error)}
}

var testResultAttrTypes = map[string]attr.Type{
	"success":     types.BoolType,
	"status":      types.Int64Type,
	"status_text": types.StringType,
	"error":       types.StringType,
}

func (f *testWebhookEndpointFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "test_webhook_endpoint"
}

func (f *testWebhookEndpointFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Sends a test event to a webhook endpoint and reports the delivery",
		MarkdownDescription: "Asks Retivo to send a signed test event to the endpoint's URL and returns what the " +
			"receiver answered: `{ success, status, status_text, error }`. A failed delivery (the receiver " +
			"answered an error status, timed out or refused the connection) is a result with `success = false`, " +
			"not an error; an unknown id, a rejected API key, an unreachable Retivo or any other error answer " +
			"is an error, which fails the plan or apply even inside a `check` block. For a CI gate, use the " +
			"`retivo_webhook_endpoint_test` data source in a `check` block instead: it uses the provider block " +
			"(and its aliases), and Terraform turns its errors into warnings. " +
			"`status_text` and `error` are texts to show, written by the receiver or Retivo: control and " +
			"bidirectional-control characters (which could drive a terminal) are replaced by spaces, the API key " +
			"and known secrets are masked, and each is at most 200 characters long.\n\n" +
			"Pass the endpoint itself, `test_webhook_endpoint(retivo_webhook_endpoint.orders)`: while any of " +
			"its attributes is unknown (before it is created, and during any update) Terraform does not call " +
			"the function, so a `check` block tests the endpoint once, as it is after the change, and an apply " +
			"never fails with \"provider function returned an inconsistent result\". The result is then " +
			"sensitive, because the endpoint holds its secret: fine in a `check` condition, but an `output` of " +
			"it needs `sensitive = true`. The id as a string also works, but is tested as the endpoint is when " +
			"Terraform calls the function, which at plan time is before a change.\n\n" +
			"**Every call sends a real test event.** Calls with the same arguments in one provider process " +
			"return the first call's result without sending another: a provider process sends at most one " +
			"test event per endpoint and version of it. Terraform starts a provider process per command, and " +
			"two for `apply` and `destroy` (plan, then apply).\n\n" +
			"Functions cannot see the provider block, so the credentials come from the `RETIVO_API_KEY` and " +
			"`RETIVO_BASE_URL` environment variables, or from the optional second argument " +
			"`{ api_key = \"...\", base_url = \"...\", timeout = \"30s\" }`, whose values win. Retries follow the " +
			"`RETIVO_MAX_RETRIES` and `RETIVO_MAX_RETRY_WAIT` environment variables, with the provider's " +
			"defaults. `timeout` bounds the call, retries included (default " + defaultFunctionTimeout.String() +
			", at most " + maxFunctionTimeout.String() + ").",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "endpoint",
				MarkdownDescription: "The webhook endpoint to test: the `retivo_webhook_endpoint` resource or " +
					"data source itself (recommended), or its id as a string.",
			},
		},
		VariadicParameter: function.DynamicParameter{
			Name: "options",
			MarkdownDescription: "At most one object with `api_key`, `base_url` and/or `timeout`, for " +
				"configurations that do not set `RETIVO_API_KEY` / `RETIVO_BASE_URL`, or need another bound.",
		},
		Return: function.ObjectReturn{AttributeTypes: testResultAttrTypes},
	}
}

func (f *testWebhookEndpointFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var endpoint types.Dynamic
	var options []types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &endpoint, &options)
	if resp.Error != nil {
		return
	}
	target, funcErr := endpointArgument(endpoint)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	call, funcErr := functionSettings(options, os.Getenv)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	client, err := functionClients.get(call.cfg, userAgent(f.version, ""))
	if err != nil {
		resp.Error = function.NewFuncError("Cannot create the Retivo client: " + err.Error())
		return
	}
	if target.secret != "" {
		client.MaskSecret(target.secret)
	}
	if target.mode != "" && target.mode != client.Mode() {
		resp.Error = function.NewArgumentFuncError(0, fmt.Sprintf("Webhook endpoint %s is a %s-mode endpoint "+
			"(its mode attribute), but the API key of this call is a %s-mode key (%s…), which cannot see it: "+
			"pass a %s-mode key in the options argument, such as { api_key = var.retivo_%s_api_key }, or set %s "+
			"to one. Nothing was sent", target.id, target.mode, client.Mode(), keyPrefix(client.Mode()),
			target.mode, target.mode, EnvAPIKey))
		return
	}
	result, err := functionResults.do(target.key(call.cfg), func() (*retivo.TestResult, error) {
		ctx, cancel := context.WithTimeout(ctx, call.timeout)
		defer cancel()
		return client.TestEndpoint(ctx, target.id)
	})
	if err != nil {
		resp.Error = function.NewFuncError(functionCallError(call, target, client.Mode(), err))
		return
	}
	value, diags := types.ObjectValueFrom(ctx, testResultAttrTypes, newTestResultModel(result))
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, value)
}

// functionCallError is the message of a failed call: the API error, and
// what a function call may have got wrong that a data source would not.
func functionCallError(call functionCallSettings, target testTarget, keyMode string, err error) string {
	if target.mode != "" {
		keyMode = "" // the endpoint's mode is known, and is the key's
	}
	summary, detail := describeTestCallError(functionCall, target.id, keyMode, "pass a key of that mode in the "+
		"options argument ({ api_key = ... }), or the endpoint object, whose mode attribute says which key it needs", err)
	if call.defaultBaseURL {
		detail += fmt.Sprintf("\n\nThe call went to the default base URL, %s: provider functions cannot see "+
			"the provider block, so its base_url (and api_key) do not apply here. Set %s, or pass "+
			"{ base_url = ... } as the second argument; for a CI gate, the retivo_webhook_endpoint_test data "+
			"source in a check block uses the provider block", retivo.DefaultBaseURL, EnvBaseURL)
	}
	// Terraform ends the message with a period of its own.
	return strings.TrimSuffix(summary+": "+detail, ".")
}

// testTarget is the endpoint a call tests, and what of it the result
// depends on.
type testTarget struct {
	id string
	// secret is the endpoint's secret when the object carries it: the
	// client masks it in everything it returns.
	secret string
	// version is what identifies the endpoint as it is (its url and
	// updated_at) when it was passed as an object; empty for an id.
	version string
	// mode is the endpoint's mode when the object carries it.
	mode string
}

// key identifies a call for the result cache: the same endpoint, in the same
// version, through the same account.
func (t testTarget) key(cfg retivo.Config) [32]byte {
	return sha256.Sum256([]byte(strings.Join([]string{cfg.BaseURL, cfg.APIKey, t.id, t.version}, "\x00")))
}

// endpointArgument reads the first argument: an id, or an object with an
// id (the resource or a data source).
func endpointArgument(arg types.Dynamic) (testTarget, *function.FuncError) {
	const want = "pass the endpoint, such as retivo_webhook_endpoint.example, or its id"
	if arg.IsNull() || arg.IsUnderlyingValueNull() {
		return testTarget{}, function.NewArgumentFuncError(0, "The endpoint is null: "+want)
	}
	var t testTarget
	switch v := arg.UnderlyingValue().(type) {
	case basetypes.StringValue:
		t.id = v.ValueString()
	case basetypes.ObjectValue:
		attrs := v.Attributes()
		id, ok := attrs["id"].(basetypes.StringValue)
		if !ok || id.IsNull() {
			return testTarget{}, function.NewArgumentFuncError(0, "The endpoint object has no id attribute: "+want)
		}
		t.id = id.ValueString()
		if secret, ok := attrs["secret"].(basetypes.StringValue); ok && !secret.IsNull() && !secret.IsUnknown() {
			t.secret = secret.ValueString()
		}
		if mode, ok := attrs["mode"].(basetypes.StringValue); ok && !mode.IsNull() && !mode.IsUnknown() {
			t.mode = mode.ValueString()
		}
		for _, name := range []string{"url", "updated_at"} {
			if s, ok := attrs[name].(basetypes.StringValue); ok {
				t.version += name + "=" + s.ValueString() + "\x00"
			}
		}
	default:
		return testTarget{}, function.NewArgumentFuncError(0, fmt.Sprintf("The endpoint must be a "+
			"retivo_webhook_endpoint object or an id string, not a %s: %s", arg.UnderlyingValue().Type(context.Background()), want))
	}
	if problem := invalidIDDiagnostic(t.id); problem != "" {
		return testTarget{}, function.NewArgumentFuncError(0, strings.TrimSuffix(problem, "."))
	}
	return t, nil
}

// resultCache holds the function's results for the life of the provider
// process: Terraform calls a function several times per command (validate,
// plan, apply, each check), and each call would send a real test event.
// Concurrent calls with the same key share one request.
type resultCache struct {
	flights singleflight.Group
	mu      sync.Mutex
	results map[[32]byte]*retivo.TestResult
}

var functionResults = &resultCache{}

// do returns the cached result for key, or runs send once for everyone
// asking. Errors are not cached: nothing was delivered. The cache is read
// inside the flight: a lookup before it could miss a result that a flight
// ending meanwhile stores, and send a second test event.
func (c *resultCache) do(key [32]byte, send func() (*retivo.TestResult, error)) (*retivo.TestResult, error) {
	v, err, _ := c.flights.Do(string(key[:]), func() (any, error) {
		c.mu.Lock()
		cached, ok := c.results[key]
		c.mu.Unlock()
		if ok {
			return cached, nil
		}
		r, err := send()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.results == nil {
			c.results = map[[32]byte]*retivo.TestResult{}
		}
		c.results[key] = r
		return r, nil
	})
	if err != nil {
		return nil, err
	}
	result, ok := v.(*retivo.TestResult)
	if !ok {
		return nil, fmt.Errorf("unexpected result %T from the test call", v)
	}
	return result, nil
}

// functionArgument is the origin of the settings given in the function's
// options argument.
var functionArgument = settingsOrigin{
	given: func(setting string) string { return "the " + setting + " of the function's second argument" },
	howToGiveKey: "Provider functions cannot see the provider block, so set the " + EnvAPIKey +
		" environment variable or pass { api_key = ... } as the second argument.",
	place:          "the function's second argument",
	keySetting:     "the " + EnvAPIKey + " environment variable or the api_key of the function's second argument",
	baseURLSetting: "the base_url of the function's second argument (or the " + EnvBaseURL + " environment variable)",
	retrySettings:  EnvMaxRetries + " / " + EnvMaxRetryWait + " (functions cannot see the provider block)",
	rateSetting:    "the " + EnvMaxRequestsPerSecond + " environment variable (functions cannot see the provider block)",
}

// functionCallSettings are the function's client settings and the bound of
// one call.
type functionCallSettings struct {
	cfg     retivo.Config
	timeout time.Duration
	// defaultBaseURL is set when neither the options nor RETIVO_BASE_URL
	// gave a base URL, which a provider block's base_url may have been
	// meant to.
	defaultBaseURL bool
}

// functionSettings resolves the function's client settings like the
// provider's (see resolveSettings): the options argument (api_key,
// base_url), then the RETIVO_* environment variables, then the defaults;
// and the call's timeout, from the options or the default.
func functionSettings(options []types.Dynamic, getenv func(string) string) (functionCallSettings, *function.FuncError) {
	call := functionCallSettings{timeout: defaultFunctionTimeout}
	if len(options) > 1 {
		return call, function.NewArgumentFuncError(2, "Pass at most one options object, such as { api_key = var.retivo_api_key }")
	}
	var given givenSettings
	if len(options) == 1 {
		values, err := optionValues(options[0])
		if err != nil {
			return call, err
		}
		given.APIKey, given.BaseURL = values["api_key"], values["base_url"]
		if raw := values["timeout"]; raw != nil {
			d, parseErr := time.ParseDuration(*raw)
			if parseErr != nil || d <= 0 || d > maxFunctionTimeout {
				return call, function.NewArgumentFuncError(1, fmt.Sprintf("options.timeout must be a positive "+
					"duration of at most %s, such as \"30s\", got %s", maxFunctionTimeout, retivo.QuoteExcerpt(*raw)))
			}
			call.timeout = d
		}
	}
	cfg, problems := resolveSettings(given, functionArgument, getenv)
	call.cfg = cfg
	call.defaultBaseURL = given.BaseURL == nil && getenv(EnvBaseURL) == ""
	if len(problems) > 0 {
		messages := make([]string, 0, len(problems))
		for _, p := range problems {
			messages = append(messages, p.Summary+": "+strings.TrimSuffix(p.Detail, "."))
		}
		return call, function.NewFuncError(strings.Join(messages, "; "))
	}
	return call, nil
}

// optionValues reads the options argument, an object or a map of strings.
func optionValues(option types.Dynamic) (map[string]*string, *function.FuncError) {
	if option.IsNull() {
		return nil, nil
	}
	var attrs map[string]attr.Value
	switch v := option.UnderlyingValue().(type) {
	case basetypes.ObjectValue:
		attrs = v.Attributes()
	case basetypes.MapValue:
		attrs = v.Elements()
	default:
		return nil, function.NewArgumentFuncError(1, fmt.Sprintf("The options argument must be an object such as "+
			"{ api_key = \"...\", base_url = \"...\" }, not a %s", option.UnderlyingValue().Type(context.Background())))
	}
	names := slices.Sorted(maps.Keys(attrs))
	var unknown []string
	out := map[string]*string{}
	for _, name := range names {
		if name != "api_key" && name != "base_url" && name != "timeout" {
			unknown = append(unknown, name)
			continue
		}
		s, ok := attrs[name].(basetypes.StringValue)
		if !ok {
			return nil, function.NewArgumentFuncError(1, "options."+name+" must be a string")
		}
		if !s.IsNull() {
			out[name] = s.ValueStringPointer()
		}
	}
	if len(unknown) > 0 {
		return nil, function.NewArgumentFuncError(1, "The options argument only takes api_key, base_url and timeout, not "+
			strings.Join(unknown, ", "))
	}
	return out, nil
}

var functionClients = &clientCache{}
