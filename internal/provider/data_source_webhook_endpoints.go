package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

var (
	_ datasource.DataSource              = (*webhookEndpointsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*webhookEndpointsDataSource)(nil)
)

// NewWebhookEndpointsDataSource returns the retivo_webhook_endpoints data source.
func NewWebhookEndpointsDataSource() datasource.DataSource {
	return &webhookEndpointsDataSource{}
}

type webhookEndpointsDataSource struct {
	client *retivo.Client
}

type webhookEndpointsModel struct {
	endpointFilter
	IDs       types.List `tfsdk:"ids"`
	Endpoints types.List `tfsdk:"endpoints"`
}

func (d *webhookEndpointsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_endpoints"
}

func (d *webhookEndpointsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Retivo webhook endpoints of the account (in the mode of the API key), " +
			"whether Terraform manages them or not, optionally filtered. Endpoints are sorted by id, so the " +
			"result's order is stable. Secrets are never included.",
		Attributes: endpointFilterDataSourceAttributes(map[string]schema.Attribute{
			"ids": schema.ListAttribute{
				MarkdownDescription: "The ids of the selected endpoints, sorted.",
				ElementType:         types.StringType,
				Computed:            true,
			},
			"endpoints": schema.ListNestedAttribute{
				MarkdownDescription: "The selected endpoints, sorted by id.",
				Computed:            true,
				NestedObject:        schema.NestedAttributeObject{Attributes: endpointDataSourceAttributes()},
			},
		}),
	}
}

func (d *webhookEndpointsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (d *webhookEndpointsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var model webhookEndpointsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := withDefaultDeadline(ctx)
	defer cancel()
	snapshot, err := d.client.Endpoints(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(dataSourceRead, "list webhook endpoints", err))
		return
	}
	addLeftOutWarning(snapshot, &resp.Diagnostics)
	state, diags := endpointsState(ctx, req.Config.Raw, model.selectEndpoints(snapshot.Endpoints))
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.State.Raw = state
}

// endpointsState is the data source's state: its configuration with ids and
// endpoints filled in. It builds the Terraform value directly, element by
// element, rather than through the framework's reflection (State.Set of a
// model holding a types.List of objects), which allocated several times
// more per endpoint and made a read of 20,000 endpoints take seconds.
func endpointsState(ctx context.Context, config tftypes.Value, selected []retivo.Endpoint) (tftypes.Value, diag.Diagnostics) {
	var diags diag.Diagnostics
	configured := map[string]tftypes.Value{}
	if err := config.As(&configured); err != nil {
		diags.AddError("Unexpected configuration value", "Reading the configuration of retivo_webhook_endpoints: "+err.Error())
		return tftypes.Value{}, diags
	}
	// As hands out the configuration's own map, which the framework compares
	// the state with afterwards: copy it rather than fill it in.
	attrs := maps.Clone(configured)
	ids := make([]tftypes.Value, 0, len(selected))
	objects := make([]tftypes.Value, 0, len(selected))
	for _, e := range selected {
		obj, err := newEndpointModel(e).terraformValue(ctx)
		if err != nil {
			diags.AddError("Unexpected endpoint value", fmt.Sprintf("Mapping endpoint %s: %s", e.ID, err))
			return tftypes.Value{}, diags
		}
		ids = append(ids, tftypes.NewValue(tftypes.String, e.ID))
		objects = append(objects, obj)
	}
	attrs["ids"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, ids)
	attrs["endpoints"] = tftypes.NewValue(tftypes.List{ElementType: endpointObjectType}, objects)
	return tftypes.NewValue(config.Type(), attrs), diags
}
