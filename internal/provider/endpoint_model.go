package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

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
}

// endpointAttrTypes are the Terraform types of endpointModel, for object
// values (the list data source's elements).
var endpointAttrTypes = map[string]attr.Type{
	"id":                types.StringType,
	"url":               types.StringType,
	"description":       types.StringType,
	"subscribed_events": types.SetType{ElemType: types.StringType},
	"active":            types.BoolType,
	"created_at":        types.StringType,
	"updated_at":        types.StringType,
}

// newEndpointModel maps an API object to Terraform values; fields the answer
// leaves out are null.
func newEndpointModel(e retivo.Endpoint) endpointModel {
	m := endpointModel{
		ID: types.StringNull(), URL: types.StringNull(), Description: types.StringNull(),
		SubscribedEvents: types.SetNull(types.StringType), Active: types.BoolNull(),
		CreatedAt: types.StringNull(), UpdatedAt: types.StringNull(),
	}
	m.mergeListed(e)
	return m
}

// mergeListed is merge for an endpoint from a list answer (every read goes
// through the list). The list shows whole endpoints, so a null or missing
// subscribed_events or description is the empty value, never null: Retivo
// answers "subscribed_events": null for an endpoint registered without
// events, and an import or a generated configuration of it must plan no
// changes.
func (m *endpointModel) mergeListed(e retivo.Endpoint) {
	m.merge(e)
	if e.SubscribedEvents == nil {
		m.SubscribedEvents = types.SetValueMust(types.StringType, nil)
	}
	if e.Description == nil {
		m.Description = types.StringValue("")
	}
}

// merge overwrites m with every field the API answer carries and keeps m's
// own values for the fields it leaves out: the API's answers differ in which
// fields they include (no updated_at on create, no created_at on update).
func (m *endpointModel) merge(e retivo.Endpoint) {
	if e.ID != "" {
		m.ID = types.StringValue(e.ID)
	}
	if e.URL != "" {
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

// objectValue turns m into an object value of endpointAttrTypes.
func (m endpointModel) objectValue(ctx context.Context) (types.Object, diag.Diagnostics) {
	return types.ObjectValueFrom(ctx, endpointAttrTypes, m)
}
