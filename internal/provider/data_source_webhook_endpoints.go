package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
	selected := model.selectEndpoints(snapshot.Endpoints)

	ids := make([]attr.Value, 0, len(selected))
	objects := make([]attr.Value, 0, len(selected))
	for _, e := range selected {
		obj, diags := newEndpointModel(e).objectValue(ctx)
		resp.Diagnostics.Append(diags...)
		ids = append(ids, types.StringValue(e.ID))
		objects = append(objects, obj)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	model.IDs = types.ListValueMust(types.StringType, ids)
	model.Endpoints = types.ListValueMust(types.ObjectType{AttrTypes: endpointAttrTypes}, objects)
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}
