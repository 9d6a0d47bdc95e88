package provider

import (
	"context"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
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

// endpointFilter selects endpoints; the list data source and the list
// resource share it.
type endpointFilter struct {
	Active          types.Bool   `tfsdk:"active"`
	SubscribedEvent types.String `tfsdk:"subscribed_event"`
	URLContains     types.String `tfsdk:"url_contains"`
}

func (f endpointFilter) matches(e retivo.Endpoint) bool {
	if !f.Active.IsNull() && (e.Active == nil || *e.Active != f.Active.ValueBool()) {
		return false
	}
	if !f.SubscribedEvent.IsNull() && !slices.Contains(e.SubscribedEvents, f.SubscribedEvent.ValueString()) {
		return false
	}
	if !f.URLContains.IsNull() && !strings.Contains(e.URL, f.URLContains.ValueString()) {
		return false
	}
	return true
}

// selectEndpoints filters endpoints and sorts them by id, so the result's
// order never depends on the order the API answered in.
func (f endpointFilter) selectEndpoints(endpoints []retivo.Endpoint) []retivo.Endpoint {
	var out []retivo.Endpoint
	for _, e := range endpoints {
		if f.matches(e) {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b retivo.Endpoint) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (d *webhookEndpointsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_endpoints"
}

func (d *webhookEndpointsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Retivo webhook endpoints of the account (in the mode of the API key), " +
			"whether Terraform manages them or not, optionally filtered. Endpoints are sorted by id, so the " +
			"result's order is stable. Secrets are never included.",
		Attributes: map[string]schema.Attribute{
			"active": schema.BoolAttribute{
				MarkdownDescription: "Only endpoints whose `active` equals this value. Leave it out for both.",
				Optional:            true,
			},
			"subscribed_event": schema.StringAttribute{
				MarkdownDescription: "Only endpoints subscribed to this event type, such as `order.created`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"url_contains": schema.StringAttribute{
				MarkdownDescription: "Only endpoints whose URL contains this text, such as a host name.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
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
		},
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
	snapshot, err := d.client.Endpoints(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("list webhook endpoints", err))
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
