package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// endpointModel holds the attributes every view of an endpoint shares: the
// resource, the single data source and each element of the list data source.
// It is the one place API objects become Terraform values.
type endpointModel struct {
	ID               types.String `tfsdk:"id"`
	URL              types.String `tfsdk:"url"`
	Description      types.String `tfsdk:"description"`
	SubscribedEvents types.Set    `tfsdk:"subscribed_events"`
	Active           types.Bool   `tfsdk:"active"`
	CreatedAt        types.String `tfsdk:"created_at"`
	UpdatedAt        types.String `tfsdk:"updated_at"`
	Mode             types.String `tfsdk:"mode"`
}

// newEndpointModel maps an API object to Terraform values for a reader that
// knows nothing before (the data sources, the list resource): fields the
// answer leaves out are null. It is merge from an all-null model, so a list
// answer maps the same way for the resource's Read and for the data sources.
func newEndpointModel(e retivo.Endpoint) endpointModel {
	m := endpointModel{
		ID: types.StringNull(), URL: types.StringNull(), Description: types.StringNull(),
		SubscribedEvents: types.SetNull(types.StringType), Active: types.BoolNull(),
		CreatedAt: types.StringNull(), UpdatedAt: types.StringNull(), Mode: types.StringNull(),
	}
	m.merge(e)
	return m
}

// merge is the one mapping from an API answer to Terraform values: it
// overwrites m with every field the answer carries and keeps m's own values
// for the fields it leaves out, since the API's answers differ in which
// fields they include (no updated_at on create, no created_at on update). A
// listed endpoint always carries description and subscribed_events: the
// client reads null or missing ones as "" and [] (retivo.ListEndpoints).
func (m *endpointModel) merge(e retivo.Endpoint) {
	if e.ID != "" {
		m.ID = types.StringValue(e.ID)
	}
	if e.URL != "" && (!isKnown(m.URL) || !retivo.SameURL(m.URL.ValueString(), e.URL)) {
		// A server may answer with an equivalent form of the URL it was
		// given (see retivo.SameURL); the configured form stays, so that
		// it is neither an inconsistent result nor drift.
		m.URL = types.StringValue(e.URL)
	}
	if e.Description != nil {
		m.Description = types.StringValue(*e.Description)
	}
	if e.SubscribedEvents != nil {
		m.SubscribedEvents = stringSet(e.SubscribedEvents)
	}
	if e.Active != nil {
		m.Active = types.BoolValue(*e.Active)
	}
	if e.CreatedAt != "" {
		m.CreatedAt = types.StringValue(e.CreatedAt)
	}
	if e.UpdatedAt != "" {
		m.UpdatedAt = types.StringValue(e.UpdatedAt)
	}
	if e.Mode != "" {
		m.Mode = types.StringValue(e.Mode)
	}
}

// stringSet builds a set of strings; duplicates collapse and order is lost,
// which is the point: the API does not keep the order it was sent.
func stringSet(values []string) types.Set {
	elems := make([]attr.Value, 0, len(values))
	for _, v := range values {
		elems = append(elems, types.StringValue(v))
	}
	return types.SetValueMust(types.StringType, elems)
}

// eventNames reads a set of event names; null or unknown reads as empty.
func eventNames(ctx context.Context, set types.Set) ([]string, diag.Diagnostics) {
	names := []string{}
	if set.IsNull() || set.IsUnknown() {
		return names, nil
	}
	diags := set.ElementsAs(ctx, &names, false)
	return names, diags
}

// endpointObjectType is the Terraform type of an endpoint object in the
// data sources, taken from their schema so that the two cannot disagree.
var endpointObjectType = schema.NestedAttributeObject{Attributes: endpointDataSourceAttributes()}.
	Type().TerraformType(context.Background())

// terraformValue turns m into a Terraform object of endpointObjectType
// without reflection, for the list data source's thousands of elements. It
// pays its way: with the framework's reflection instead (types.ListValueFrom
// of endpointModels, then State.Set), BenchmarkWebhookEndpointsDataSource
// took 2.5 s instead of 0.89 s and 1.4 GB instead of 0.5 GB at 20,000
// endpoints (6 runs each, benchstat, p=0.002).
func (m endpointModel) terraformValue(ctx context.Context) (tftypes.Value, error) {
	fields := m.terraformFields()
	values := make(map[string]tftypes.Value, len(fields))
	for name, v := range fields {
		tv, err := v.ToTerraformValue(ctx)
		if err != nil {
			return tftypes.Value{}, fmt.Errorf("%s: %w", name, err)
		}
		values[name] = tv
	}
	return tftypes.NewValue(endpointObjectType, values), nil
}

// terraformFields are m's values by attribute name, as terraformValue
// writes them out: every field of endpointModel, by its tfsdk tag
// (TestEndpointFields checks that none is missing).
func (m endpointModel) terraformFields() map[string]attr.Value {
	return map[string]attr.Value{
		"id": m.ID, "url": m.URL, "description": m.Description, "subscribed_events": m.SubscribedEvents,
		"active": m.Active, "created_at": m.CreatedAt, "updated_at": m.UpdatedAt, "mode": m.Mode,
	}
}

func isKnown(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }
