package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	actionschema "github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// NewWebhookEndpointTestAction returns the retivo_webhook_endpoint_test
// action (Terraform 1.14+): the side-effect-friendly twin of the
// test_webhook_endpoint function. Terraform runs an action only when it is
// invoked (`terraform apply -invoke=...` or an action_trigger), never during
// validate or plan, and it uses the configured provider's credentials.
func NewWebhookEndpointTestAction() action.Action { return &webhookEndpointTestAction{} }

type webhookEndpointTestAction struct {
	client *retivo.Client
}

type webhookEndpointTestActionModel struct {
	EndpointID types.String `tfsdk:"endpoint_id"`
	ReportOnly types.Bool   `tfsdk:"report_only"`
}

func (a *webhookEndpointTestAction) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_endpoint_test"
}

func (a *webhookEndpointTestAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = actionschema.Schema{
		MarkdownDescription: "Sends a signed test event to a webhook endpoint and fails when the delivery fails. " +
			"Unlike the `test_webhook_endpoint` function, an action sends exactly one event each time it is " +
			"invoked (by `terraform apply -invoke` or an `action_trigger`, for example after the endpoint is " +
			"created or updated), never during `validate` or `plan`, and it uses the provider block's credentials. " +
			"When an `after_create` or `after_update` action fails, the endpoint change has already been made " +
			"and stays in state; the apply ends with the error, and the action runs again only on the next " +
			"create or update (or `terraform apply -invoke`).",
		Attributes: map[string]actionschema.Attribute{
			"endpoint_id": actionschema.StringAttribute{
				MarkdownDescription: endpointToTestDescription,
				Required:            true,
				Validators:          []validator.String{endpointIDValidator{}},
			},
			"report_only": actionschema.BoolAttribute{
				MarkdownDescription: "When `true`, a failed delivery is reported as a warning instead of failing " +
					"the action. Defaults to `false`.",
				Optional: true,
			},
		},
	}
}

func (a *webhookEndpointTestAction) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (a *webhookEndpointTestAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var config webhookEndpointTestActionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if a.client == nil {
		resp.Diagnostics.AddError("Provider not configured",
			"The Retivo provider was not configured before the action ran; check the provider block.")
		return
	}
	id := config.EndpointID.ValueString()
	resp.SendProgress(action.InvokeProgressEvent{Message: "Sending a test event to webhook endpoint " + id})
	callCtx, cancel := withDefaultDeadline(ctx)
	defer cancel()
	result, err := a.client.TestEndpoint(callCtx, id)
	if err != nil {
		resp.Diagnostics.Append(testCallError(actionInvoke, id, a.client.Mode(), "give this action a provider "+
			"configured with one (an aliased provider block, and provider = retivo.<alias> in the action block)", err))
		return
	}
	if result.Success {
		resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Delivered: the endpoint answered %d %s", result.Status, result.StatusText)})
		return
	}
	summary := "Webhook test delivery failed"
	detail := fmt.Sprintf("Retivo sent a test event to webhook endpoint %s and the delivery failed: %s", id, describeDelivery(result))
	if config.ReportOnly.ValueBool() {
		resp.Diagnostics.AddAttributeWarning(path.Root("endpoint_id"), summary, detail)
		return
	}
	resp.Diagnostics.AddAttributeError(path.Root("endpoint_id"), summary,
		detail+"\n\nFix the receiver, or set report_only = true to only report failed deliveries.")
}

// describeDelivery says how a test delivery went. The receiver's texts in r
// are safe to show as they are: TestEndpoint masks secrets in them and
// replaces control and bidi characters, so none reaches a terminal through a
// diagnostic or a progress message.
func describeDelivery(r *retivo.TestResult) string {
	switch {
	case r.Status != 0 && r.Error != "":
		return fmt.Sprintf("HTTP %d %s (%s)", r.Status, r.StatusText, r.Error)
	case r.Status != 0:
		return fmt.Sprintf("HTTP %d %s", r.Status, r.StatusText)
	case r.Error != "":
		return r.Error
	default:
		return "no answer"
	}
}
