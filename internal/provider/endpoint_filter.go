package provider

import (
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	listschema "github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// endpointFilter selects endpoints; the retivo_webhook_endpoints data source
// and the list resource share it, schema included.
type endpointFilter struct {
	Active          types.Bool   `tfsdk:"active"`
	SubscribedEvent types.String `tfsdk:"subscribed_event"`
	URLContains     types.String `tfsdk:"url_contains"`
}

// The filter attributes' descriptions, the one source for both schemas.
const (
	filterActiveDescription          = "Only endpoints whose `active` equals this value. Leave it out for both."
	filterSubscribedEventDescription = "Only endpoints subscribed to this event type, such as `order.created`."
	filterURLContainsDescription     = "Only endpoints whose URL contains this text, such as a host name."
)

func nonEmptyString() []validator.String {
	return []validator.String{stringvalidator.LengthAtLeast(1)}
}

// endpointFilterDataSourceAttributes adds the filter attributes to a data
// source's other attributes.
func endpointFilterDataSourceAttributes(others map[string]schema.Attribute) map[string]schema.Attribute {
	attrs := maps.Clone(others)
	attrs["active"] = schema.BoolAttribute{MarkdownDescription: filterActiveDescription, Optional: true}
	attrs["subscribed_event"] = schema.StringAttribute{MarkdownDescription: filterSubscribedEventDescription,
		Optional: true, Validators: nonEmptyString()}
	attrs["url_contains"] = schema.StringAttribute{MarkdownDescription: filterURLContainsDescription,
		Optional: true, Validators: nonEmptyString()}
	return attrs
}

// endpointFilterListAttributes are the list resource's configuration.
func endpointFilterListAttributes() map[string]listschema.Attribute {
	return map[string]listschema.Attribute{
		"active": listschema.BoolAttribute{MarkdownDescription: filterActiveDescription, Optional: true},
		"subscribed_event": listschema.StringAttribute{MarkdownDescription: filterSubscribedEventDescription,
			Optional: true, Validators: nonEmptyString()},
		"url_contains": listschema.StringAttribute{MarkdownDescription: filterURLContainsDescription,
			Optional: true, Validators: nonEmptyString()},
	}
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
