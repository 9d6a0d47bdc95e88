package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// NewWebhookEndpointTestDataSource returns the retivo_webhook_endpoint_test
// data source: the CI gate, read in a check block.
func NewWebhookEndpointTestDataSource() datasource.DataSource {
	return &webhookEndpointTestDataSource{}
}

type webhookEndpointTestDataSource struct {
	client *retivo.Client
}

type webhookEndpointTestDataSourceModel struct {
	EndpointID types.String `tfsdk:"endpoint_id"`
	Enabled    types.Bool   `tfsdk:"enabled"`
	testResultModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *webhookEndpointTestDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_endpoint_test"
}

func (d *webhookEndpointTestDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Sends a signed test event to a webhook endpoint on each read and reports the " +
			"delivery: the CI gate, read in a `check` block, where Terraform turns any error of the read into " +
			"a warning, so the gate never fails a plan or an apply. It uses the provider block's API key, " +
			"base URL and retries, aliases included. Every read sends a real test event: Terraform reads it " +
			"in every plan, and again in an apply (see the table on this page).",
		Attributes: map[string]schema.Attribute{
			"endpoint_id": schema.StringAttribute{
				MarkdownDescription: endpointToTestDescription,
				Required:            true,
				Validators:          []validator.String{endpointIDValidator{}},
			},
			"enabled": schema.BoolAttribute{
				MarkdownDescription: "Set `false` to switch the gate off: nothing is sent, and the results " +
					"read as a pass that tested nothing (`success = true`, `status = 0`, `status_text` and " +
					"`error` empty), so the check's assertions hold as they are. A data source in a `check` " +
					"block cannot take `count` or `for_each`; this is how a module switches its gate off, in a " +
					"test environment say. (Under `mock_provider` the data source is not read at all: use " +
					"`override_data`.) Defaults to `true`.",
				Optional: true,
			},
			"success": schema.BoolAttribute{
				MarkdownDescription: "Whether the receiver answered the test event with a 2xx status.",
				Computed:            true,
			},
			"status": schema.Int64Attribute{
				MarkdownDescription: "The HTTP status the receiver answered, `0` when it did not answer.",
				Computed:            true,
			},
			"status_text": schema.StringAttribute{
				MarkdownDescription: "The receiver's status text.",
				Computed:            true,
			},
			"error": schema.StringAttribute{
				MarkdownDescription: "Why the delivery failed, `\"\"` on success.",
				Computed:            true,
			},
		},
		Blocks: map[string]schema.Block{"timeouts": dataSourceTimeoutsBlock(ctx)},
	}
}

func (d *webhookEndpointTestDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *webhookEndpointTestDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model webhookEndpointTestDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	result := &retivo.TestResult{Success: true} // the pass of a gate switched off
	if model.Enabled.IsNull() || model.Enabled.ValueBool() {
		ctx, cancel, ok := withDataSourceDeadline(ctx, model.Timeouts, &resp.Diagnostics)
		if !ok {
			return
		}
		defer cancel()
		id := model.EndpointID.ValueString()
		var err error
		result, err = d.client.TestEndpoint(ctx, id)
		if err != nil {
			resp.Diagnostics.Append(testCallError(dataSourceRead, id, d.client.Mode(), "read this data source "+
				"with a provider configured with one (an aliased provider block, and provider = retivo.<alias> "+
				"in the data block)", err))
			return
		}
	}
	model.testResultModel = newTestResultModel(result)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
