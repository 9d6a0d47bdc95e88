package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// NewWebhookEndpointDataSource returns the retivo_webhook_endpoint data source.
func NewWebhookEndpointDataSource() datasource.DataSource { return &webhookEndpointDataSource{} }

type webhookEndpointDataSource struct {
	client *retivo.Client
}

type webhookEndpointDataSourceModel struct {
	endpointModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *webhookEndpointDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_endpoint"
}

func (d *webhookEndpointDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := endpointDataSourceAttributes()
	attrs["id"] = schema.StringAttribute{
		MarkdownDescription: "The id of the endpoint to read, such as `we_0123456789abcdef01234567`.",
		Required:            true,
		Validators:          []validator.String{endpointIDValidator{}},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Retivo webhook endpoint by id, whether Terraform manages it or not. " +
			"The signing secret is not available: Retivo only returns it when the endpoint is created.",
		Attributes: attrs,
		Blocks:     map[string]schema.Block{"timeouts": dataSourceTimeoutsBlock(ctx)},
	}
}

// endpointDataSourceAttributes are the computed attributes both data sources
// show for an endpoint.
func endpointDataSourceAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{MarkdownDescription: "The endpoint's id.", Computed: true},
		// url and description are data: they carry Retivo's values exactly,
		// so that they can be compared with a configuration; only a text
		// shown to a person (a diagnostic) is cleaned of control characters.
		"url": schema.StringAttribute{
			MarkdownDescription: "The URL Retivo delivers events to, exactly as Retivo returns it.",
			Computed:            true,
		},
		"description": schema.StringAttribute{
			MarkdownDescription: "The endpoint's description, exactly as Retivo returns it; `\"\"` when it has none.",
			Computed:            true,
		},
		"subscribed_events": schema.SetAttribute{
			MarkdownDescription: "The event types delivered to the endpoint.",
			ElementType:         types.StringType,
			Computed:            true,
		},
		"active": schema.BoolAttribute{
			MarkdownDescription: "Whether Retivo delivers events to the endpoint.",
			Computed:            true,
		},
		"created_at": schema.StringAttribute{MarkdownDescription: "When the endpoint was created.", Computed: true},
		"updated_at": schema.StringAttribute{MarkdownDescription: "When the endpoint last changed.", Computed: true},
		"mode": schema.StringAttribute{
			MarkdownDescription: "`test` or `live`: the mode of the provider's API key, which is the mode of " +
				"every endpoint it can see.",
			Computed: true,
		},
	}
}

func (d *webhookEndpointDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *webhookEndpointDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var config webhookEndpointDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withDataSourceDeadline(ctx, config.Timeouts, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	id := config.ID.ValueString()
	snapshot, err := d.client.Endpoints(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(dataSourceRead, "read webhook endpoint "+id, err))
		return
	}
	addLeftOutWarning(snapshot, &resp.Diagnostics)
	found, ok := snapshot.Find(id)
	if !ok {
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Webhook endpoint not found",
			fmt.Sprintf("Retivo has no webhook endpoint with id %q in the account and mode (test or live) of "+
				"the configured API key. Check the id, and that the key belongs to the same account and mode.", id))
		return
	}
	model := webhookEndpointDataSourceModel{endpointModel: newEndpointModel(found), Timeouts: config.Timeouts}
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
