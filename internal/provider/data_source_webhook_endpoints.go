package provider

import (
	"context"
	"fmt"
	"maps"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// NewWebhookEndpointsDataSource returns the retivo_webhook_endpoints data source.
func NewWebhookEndpointsDataSource() datasource.DataSource { return &webhookEndpointsDataSource{} }

type webhookEndpointsDataSource struct {
	client *retivo.Client
}

type webhookEndpointsModel struct {
	endpointFilter
	MaxEndpoints types.Int64    `tfsdk:"max_endpoints"`
	IDs          types.List     `tfsdk:"ids"`
	Endpoints    types.List     `tfsdk:"endpoints"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// defaultMaxEndpoints bounds how many endpoints the data source returns
// unless max_endpoints says otherwise: the provider and Terraform each hold
// every selected endpoint as a Terraform value, several KiB apiece, so the
// size of an account must not decide how much memory a plan takes.
const defaultMaxEndpoints = 25_000

func (d *webhookEndpointsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_endpoints"
}

func (d *webhookEndpointsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the Retivo webhook endpoints of the account (in the mode of the API key), " +
			"whether Terraform manages them or not, optionally filtered. Endpoints are sorted by id, so the " +
			"result's order is stable. Secrets are never included.",
		Attributes: endpointFilterDataSourceAttributes(map[string]schema.Attribute{
			"max_endpoints": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("The most endpoints the data source returns; a selection "+
					"with more is an error that says how many there are. Defaults to %d. Every selected "+
					"endpoint is held in memory by the provider and by Terraform (some 8 KiB each), so the size "+
					"of an account is bounded here: narrow the selection with the filters, or raise this "+
					"limit on a machine with the memory to spare.", defaultMaxEndpoints),
				Optional:   true,
				Validators: []validator.Int64{int64validator.AtLeast(1)},
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
		}),
		Blocks: map[string]schema.Block{"timeouts": dataSourceTimeoutsBlock(ctx)},
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
	ctx, cancel, ok := withDataSourceDeadline(ctx, model.Timeouts, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	snapshot, err := d.client.Endpoints(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(dataSourceRead, "list webhook endpoints", err))
		return
	}
	addLeftOutWarning(snapshot, &resp.Diagnostics)
	selected := model.selectEndpoints(snapshot.Endpoints)
	if limit := model.maxEndpoints(); int64(len(selected)) > limit {
		resp.Diagnostics.AddAttributeError(path.Root("max_endpoints"), "Too many webhook endpoints selected",
			fmt.Sprintf("retivo_webhook_endpoints selected %d endpoints, more than max_endpoints (%d). Every "+
				"selected endpoint is held in memory by the provider and by Terraform, so their number is "+
				"bounded. Narrow the selection with active, subscribed_event or url_contains, or set "+
				"max_endpoints to at least %d if this machine has the memory to spare (some 8 KiB per endpoint).",
				len(selected), limit, len(selected)))
		return
	}
	state, diags := endpointsState(ctx, req.Config.Raw, selected)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.State.Raw = state
}

// maxEndpoints is max_endpoints, or its default when it is left out.
func (m webhookEndpointsModel) maxEndpoints() int64 {
	if m.MaxEndpoints.IsNull() || m.MaxEndpoints.IsUnknown() {
		return defaultMaxEndpoints
	}
	return m.MaxEndpoints.ValueInt64()
}

// endpointsState is the data source's state: its configuration with ids and
// endpoints filled in. It builds the Terraform value directly, element by
// element, rather than through the framework's reflection (State.Set of a
// model holding a types.List of objects): see terraformValue for what that
// saves.
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
