package provider

import (
	"context"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

var _ function.Function = (*testWebhookEndpointFunction)(nil)

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
			"not an error; an unknown id, a rejected API key or any other error answer from Retivo is an error.\n\n" +
			"**Every call sends a real test event**, and Terraform calls functions during `validate`, `plan` and " +
			"`apply`, often more than once per command. While the id is unknown (the endpoint is not created yet) " +
			"no request is made. Terraform checks that a function returns the same result at apply as at plan: " +
			"if the receiver's answer changes in between, the apply fails with \"provider function returned an " +
			"inconsistent result\".\n\n" +
			"Functions cannot see the provider block, so the credentials come from the `RETIVO_API_KEY` and " +
			"`RETIVO_BASE_URL` environment variables, or from the optional second argument " +
			"`{ api_key = \"...\", base_url = \"...\" }`, whose values win. Retries follow the " +
			"`RETIVO_MAX_RETRIES` and `RETIVO_MAX_RETRY_WAIT` environment variables, with the provider's defaults.",
		Parameters: []function.Parameter{
			function.StringParameter{
				Name:                "id",
				MarkdownDescription: "The id of the webhook endpoint to test.",
			},
		},
		VariadicParameter: function.DynamicParameter{
			Name: "options",
			MarkdownDescription: "At most one object with `api_key` and/or `base_url`, for configurations that " +
				"do not set `RETIVO_API_KEY` / `RETIVO_BASE_URL`.",
		},
		Return: function.ObjectReturn{AttributeTypes: testResultAttrTypes},
	}
}

func (f *testWebhookEndpointFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var id string
	var options []types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &id, &options)
	if resp.Error != nil {
		return
	}
	if strings.TrimSpace(id) == "" {
		resp.Error = function.NewArgumentFuncError(0, "The endpoint id is empty: pass the id of a webhook endpoint, such as retivo_webhook_endpoint.example.id")
		return
	}
	cfg, funcErr := functionSettings(options, os.Getenv)
	if funcErr != nil {
		resp.Error = funcErr
		return
	}
	client, err := functionClients.get(cfg, userAgent(f.version, ""))
	if err != nil {
		resp.Error = function.NewFuncError("Cannot create the Retivo client: " + err.Error())
		return
	}
	ctx, cancel := withDefaultDeadline(ctx)
	defer cancel()
	result, err := client.TestEndpoint(ctx, id)
	if err != nil {
		summary, detail := describeAPIError(functionCall, "test webhook endpoint "+id, err)
		// Terraform ends the message with a period of its own.
		resp.Error = function.NewFuncError(strings.TrimSuffix(summary+": "+detail, "."))
		return
	}
	value, diags := types.ObjectValue(testResultAttrTypes, map[string]attr.Value{
		"success":     types.BoolValue(result.Success),
		"status":      types.Int64Value(int64(result.Status)),
		"status_text": types.StringValue(result.StatusText),
		"error":       types.StringValue(result.Error),
	})
	if diags.HasError() {
		resp.Error = function.FuncErrorFromDiags(ctx, diags)
		return
	}
	resp.Error = resp.Result.Set(ctx, value)
}

// functionArgument is the origin of the settings given in the function's
// options argument.
var functionArgument = settingsOrigin{
	given: func(setting string) string { return "the " + setting + " of the function's second argument" },
	howToGiveKey: "Provider functions cannot see the provider block, so set the " + EnvAPIKey +
		" environment variable or pass { api_key = ... } as the second argument.",
	place: "the function's second argument",
}

// functionSettings resolves the function's client settings like the
// provider's (see resolveSettings): the options argument (api_key, base_url),
// then the RETIVO_* environment variables, then the defaults.
func functionSettings(options []types.Dynamic, getenv func(string) string) (retivo.Config, *function.FuncError) {
	if len(options) > 1 {
		return retivo.Config{}, function.NewArgumentFuncError(2, "Pass at most one options object, such as { api_key = var.retivo_api_key }")
	}
	var given givenSettings
	if len(options) == 1 {
		values, err := optionValues(options[0])
		if err != nil {
			return retivo.Config{}, err
		}
		given.APIKey, given.BaseURL = values["api_key"], values["base_url"]
	}
	cfg, problems := resolveSettings(given, functionArgument, getenv)
	if len(problems) > 0 {
		messages := make([]string, 0, len(problems))
		for _, p := range problems {
			messages = append(messages, p.Summary+": "+strings.TrimSuffix(p.Detail, "."))
		}
		return cfg, function.NewFuncError(strings.Join(messages, "; "))
	}
	return cfg, nil
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
		if name != "api_key" && name != "base_url" {
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
		return nil, function.NewArgumentFuncError(1, "The options argument only takes api_key and base_url, not "+
			strings.Join(unknown, ", "))
	}
	return out, nil
}

var functionClients = &clientCache{}
