package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// NewWebhookEndpointListResource returns the retivo_webhook_endpoint list
// resource, for `terraform query` (Terraform 1.14+).
func NewWebhookEndpointListResource() list.ListResource { return &webhookEndpointListResource{} }

type webhookEndpointListResource struct {
	client *retivo.Client
}

func (l *webhookEndpointListResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_endpoint"
}

func (l *webhookEndpointListResource) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = listschema.Schema{
		MarkdownDescription: "Lists the account's webhook endpoints for `terraform query`, including those made " +
			"outside Terraform, so that import blocks can be generated for them. Takes the same filters as the " +
			"`retivo_webhook_endpoints` data source; results are sorted by id.",
		Attributes: endpointFilterListAttributes(),
	}
}

func (l *webhookEndpointListResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	l.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (l *webhookEndpointListResource) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var filter endpointFilter
	if diags := req.Config.Get(ctx, &filter); diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	if l.client == nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{diag.NewErrorDiagnostic(
			"Provider not configured", "The Retivo provider was not configured before listing; check the provider block.")})
		return
	}
	listCtx, cancel := withDefaultDeadline(ctx)
	defer cancel()
	snapshot, err := l.client.Endpoints(listCtx)
	if err != nil {
		stream.Results = list.ListResultsStreamDiagnostics(diag.Diagnostics{apiErrorDiagnostic(listQuery, "list webhook endpoints", err)})
		return
	}
	selected := filter.selectEndpoints(snapshot.Endpoints)
	if req.Limit > 0 && int64(len(selected)) > req.Limit {
		selected = selected[:req.Limit]
	}
	var warnings diag.Diagnostics
	addLeftOutWarning(snapshot, &warnings)
	noTimeouts := timeouts.Value{Object: types.ObjectNull(endpointTimeoutsAttrTypes(ctx))}
	stream.Results = func(push func(list.ListResult) bool) {
		if len(warnings) > 0 && !push(list.ListResult{Diagnostics: warnings}) {
			return
		}
		for _, e := range selected {
			if !push(listResult(ctx, req, e, noTimeouts)) {
				return
			}
		}
	}
}

// listResult is one found endpoint: its identity, a display name, and when
// asked its attributes as the resource would hold them after an import
// (no secret: Retivo cannot return it; no timeouts block: noTimeouts).
func listResult(ctx context.Context, req list.ListRequest, e retivo.Endpoint, noTimeouts timeouts.Value) list.ListResult {
	result := req.NewListResult(ctx)
	result.DisplayName = e.URL
	if e.Description != nil && *e.Description != "" {
		result.DisplayName = *e.Description + " (" + e.URL + ")"
	}
	result.Diagnostics.Append(result.Identity.Set(ctx, webhookEndpointIdentity{ID: types.StringValue(e.ID)})...)
	if req.IncludeResource {
		model := webhookEndpointResourceModel{
			endpointModel:    newEndpointModel(e),
			Secret:           types.StringNull(),
			secretEncryption: noSecretEncryption,
			Timeouts:         noTimeouts,
		}
		result.Diagnostics.Append(result.Resource.Set(ctx, &model)...)
	}
	return result
}
