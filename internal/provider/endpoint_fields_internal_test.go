package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// TestEndpointFields is the check behind every place that writes out the
// endpoint's fields one by one. It reads the attributes from the models'
// tfsdk tags, gives each a distinct value, and checks what each place must
// do with every attribute: the schemas declare it, retivo.Endpoint carries
// it, newEndpointModel makes a typed null of it, merge copies it (and keeps
// it when an answer leaves it out), terraformValue writes it, matchesState
// compares it, resolveUnknowns settles it; for the attributes a
// configuration sets, createRequest and updateRequest send it, ModifyPlan
// waits for it to be known, and the duplicate check (retivo.
// IdenticalEndpoints) compares it. A failure names, per attribute, every
// place that misses it.
func TestEndpointFields(t *testing.T) {
	ctx := context.Background()
	missing := map[string][]string{}
	miss := func(name, place string) { missing[name] = append(missing[name], place) }

	model := newEndpointModel(retivo.Endpoint{})
	endpointNames, _ := tfsdkFields(reflect.ValueOf(&model).Elem())
	resourceSchema := WebhookEndpointSchema(ctx)
	dataSourceAttrs := endpointDataSourceAttributes()

	// The schemas, both ways.
	var resourceModel webhookEndpointResourceModel
	resourceNames, _ := tfsdkFields(reflect.ValueOf(&resourceModel).Elem())
	for _, name := range resourceNames {
		_, isAttr := resourceSchema.Attributes[name]
		_, isBlock := resourceSchema.Blocks[name]
		if !isAttr && !isBlock {
			miss(name, "the resource schema (WebhookEndpointSchema)")
		}
	}
	for name := range resourceSchema.Attributes {
		if !slices.Contains(resourceNames, name) {
			miss(name, "the resource model (webhookEndpointResourceModel or endpointModel)")
		}
	}
	for _, name := range endpointNames {
		if _, ok := dataSourceAttrs[name]; !ok {
			miss(name, "the data sources' attributes (endpointDataSourceAttributes)")
		}
	}
	for name := range dataSourceAttrs {
		if !slices.Contains(endpointNames, name) {
			miss(name, "endpointModel")
		}
	}
	var single datasource.SchemaResponse
	(&webhookEndpointDataSource{}).Schema(ctx, datasource.SchemaRequest{}, &single)
	for _, name := range endpointNames {
		if _, ok := single.Schema.Attributes[name]; !ok {
			miss(name, "the retivo_webhook_endpoint data source's schema")
		}
	}

	// newEndpointModel: a null of the attribute's type for each.
	_, nullFields := tfsdkFields(reflect.ValueOf(&model).Elem())
	for _, name := range endpointNames {
		v := nullFields[name].Interface().(attr.Value)
		schemaAttr, ok := dataSourceAttrs[name]
		if !v.IsNull() || (ok && !v.Type(ctx).Equal(schemaAttr.GetType())) {
			miss(name, "newEndpointModel (a null of the attribute's type for an answer without it)")
		}
	}

	// retivo.Endpoint: a distinct value for every field, and what merge
	// makes of it.
	var full retivo.Endpoint
	apiNames, apiFields := jsonFields(reflect.ValueOf(&full).Elem())
	want := map[string]attr.Value{}
	for _, name := range apiNames {
		want[name] = setSample(t, apiFields[name], name)
		if !slices.Contains(resourceNames, name) {
			miss(name, "the resource model (retivo.Endpoint has it, no model attribute does)")
		}
	}
	// secretEncryption's attributes are the provider's own: no answer or
	// request carries them.
	providerSide, _ := tfsdkFields(reflect.ValueOf(&secretEncryption{}).Elem())
	providerSide = append(providerSide, "timeouts")
	for _, name := range resourceNames {
		if _, ok := apiFields[name]; !ok && !slices.Contains(providerSide, name) {
			miss(name, fmt.Sprintf("retivo.Endpoint (no field tagged json:%q, so no answer fills it: merge, "+
				"matchesState and the duplicate check cannot see it)", name))
		}
	}

	// merge copies each field the answer carries, and keeps each one an
	// answer leaves out.
	model.merge(full)
	_, merged := tfsdkFields(reflect.ValueOf(&model).Elem())
	for _, name := range endpointNames {
		if w, ok := want[name]; ok && !merged[name].Interface().(attr.Value).Equal(w) {
			miss(name, fmt.Sprintf("merge (gave %s for %s)", merged[name].Interface(), w))
		}
	}
	kept := model
	kept.merge(retivo.Endpoint{})
	_, keptFields := tfsdkFields(reflect.ValueOf(&kept).Elem())
	for _, name := range endpointNames {
		if !keptFields[name].Interface().(attr.Value).Equal(merged[name].Interface().(attr.Value)) {
			miss(name, "merge (an answer without it must keep the value the model has)")
		}
	}

	// terraformValue writes each field.
	written := model.terraformFields()
	for _, name := range endpointNames {
		if v, ok := written[name]; !ok || !v.Equal(merged[name].Interface().(attr.Value)) {
			miss(name, "terraformValue (endpointModel.terraformFields)")
		}
	}
	if _, err := safeTerraformValue(ctx, model); err != nil {
		t.Errorf("terraformValue of a full endpoint: %v", err)
	}

	full.Secret = "whsec_sample"
	resourceModel = webhookEndpointResourceModel{
		endpointModel:    model,
		Secret:           types.StringValue(full.Secret),
		secretEncryption: noSecretEncryption,
		Timeouts:         timeouts.Value{Object: types.ObjectNull(endpointTimeoutsAttrTypes(ctx))},
	}

	// matchesState: a state merged from the endpoint matches it; one that
	// differs in a single attribute the endpoint carries does not.
	state := modelAttrs(t, &resourceModel)
	if !matchesState(full, state) {
		t.Errorf("matchesState: the state merged from an endpoint does not match it")
	}
	for _, name := range endpointNames {
		if _, ok := want[name]; !ok {
			continue
		}
		changed := modelAttrs(t, &resourceModel)
		other, err := otherValue(merged[name].Interface().(attr.Value)).ToTerraformValue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		changed[name] = other
		if matchesState(full, changed) {
			miss(name, "matchesState (a state that differs from the endpoint only in it matches)")
		}
	}

	// resolveUnknowns settles every attribute.
	unknown := resourceModel
	unknownNames, unknownFields := tfsdkFields(reflect.ValueOf(&unknown).Elem())
	for _, name := range unknownNames {
		if name != "timeouts" {
			setUnknown(t, ctx, unknownFields[name])
		}
	}
	resolveUnknowns(&unknown)
	for _, name := range unknownNames {
		if name != "timeouts" && unknownFields[name].Interface().(attr.Value).IsUnknown() {
			miss(name, "resolveUnknowns (left unknown after apply)")
		}
	}

	// The attributes a configuration sets: each goes into the requests,
	// ModifyPlan waits for each to be known, the duplicate check compares
	// each.
	plan := planOf(t, ctx, resourceSchema, &resourceModel)
	if !configurableKnown(plan) {
		t.Errorf("configurableKnown: false for a plan without unknowns")
	}
	create, _ := createRequest(ctx, resourceModel)
	update, _ := updateRequest(ctx, resourceModel)
	if ids := retivo.IdenticalEndpoints([]retivo.Endpoint{full}, create, ""); !slices.Equal(ids, []string{full.ID}) {
		t.Errorf("retivo.IdenticalEndpoints: the endpoint a plan describes is not identical to its create request (%v)", ids)
	}
	for name, attribute := range resourceSchema.Attributes {
		if !attribute.IsRequired() && !attribute.IsOptional() || slices.Contains(providerSide, name) {
			continue
		}
		changed := resourceModel
		_, fields := tfsdkFields(reflect.ValueOf(&changed).Elem())
		field, ok := fields[name]
		if !ok {
			continue // named above
		}
		field.Set(reflect.ValueOf(otherValue(field.Interface().(attr.Value))))
		if c, _ := createRequest(ctx, changed); reflect.DeepEqual(c, create) {
			miss(name, "createRequest (a plan that differs only in it sends the same request)")
		} else if ids := retivo.IdenticalEndpoints([]retivo.Endpoint{full}, c, ""); len(ids) > 0 {
			miss(name, "retivo.IdenticalEndpoints (an endpoint that differs only in it is taken for identical)")
		}
		if u, _ := updateRequest(ctx, changed); reflect.DeepEqual(u, update) {
			miss(name, "updateRequest (a plan that differs only in it sends the same request)")
		}
		unknownPlan := planOf(t, ctx, resourceSchema, &resourceModel)
		attrs := map[string]tftypes.Value{}
		if err := unknownPlan.Raw.As(&attrs); err != nil {
			t.Fatal(err)
		}
		attrs[name] = tftypes.NewValue(attrs[name].Type(), tftypes.UnknownValue)
		unknownPlan.Raw = tftypes.NewValue(unknownPlan.Raw.Type(), attrs)
		if configurableKnown(unknownPlan) {
			miss(name, "ModifyPlan's wait for a known configuration (configurableKnown)")
		}
	}

	var names []string
	for name := range missing {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Errorf("endpoint attribute %q is missing from:\n\t%s", name, strings.Join(missing[name], "\n\t"))
	}
}

// tfsdkFields are the fields of the struct v, by tfsdk tag, the fields of
// embedded structs included, in the order they are declared.
func tfsdkFields(v reflect.Value) ([]string, map[string]reflect.Value) {
	var names []string
	fields := map[string]reflect.Value{}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		tag := f.Tag.Get("tfsdk")
		switch {
		case f.Anonymous && tag == "":
			embedded, embeddedFields := tfsdkFields(v.Field(i))
			names = append(names, embedded...)
			for name, field := range embeddedFields {
				fields[name] = field
			}
		case tag != "" && tag != "-":
			names = append(names, tag)
			fields[tag] = v.Field(i)
		}
	}
	return names, fields
}

// jsonFields are the fields of the struct v by the names of their json
// tags, or by their attr tags for the fields no answer carries.
func jsonFields(v reflect.Value) ([]string, map[string]reflect.Value) {
	var names []string
	fields := map[string]reflect.Value{}
	for i := range v.NumField() {
		name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if name == "-" {
			name = v.Type().Field(i).Tag.Get("attr")
		}
		if name != "" && name != "-" {
			names = append(names, name)
			fields[name] = v.Field(i)
		}
	}
	return names, fields
}

// setSample sets an API field to a value of its own and returns the
// Terraform value merge should make of it.
func setSample(t *testing.T, f reflect.Value, name string) attr.Value {
	t.Helper()
	switch p := f.Addr().Interface().(type) {
	case *string:
		*p = "https://example.com/" + name
		return types.StringValue(*p)
	case **string:
		*p = retivo.String("sample " + name)
		return types.StringValue(**p)
	case *[]string:
		*p = []string{name + ".one", name + ".two"}
		return stringSet(*p)
	case **bool:
		*p = retivo.Bool(true)
		return types.BoolValue(true)
	default:
		t.Fatalf("retivo.Endpoint field %q is a %s: teach setSample its values", name, f.Type())
		return nil
	}
}

// otherValue is a known value of v's type that differs from v.
func otherValue(v attr.Value) attr.Value {
	switch v := v.(type) {
	case types.String:
		return types.StringValue(v.ValueString() + "/other")
	case types.Bool:
		return types.BoolValue(!v.ValueBool())
	case types.Set:
		return stringSet([]string{"other.event"})
	default:
		panic(fmt.Sprintf("otherValue: teach it values of %T", v))
	}
}

// setUnknown sets a model field to an unknown value of its type.
func setUnknown(t *testing.T, ctx context.Context, f reflect.Value) {
	t.Helper()
	typ := f.Interface().(attr.Value).Type(ctx)
	v, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), tftypes.UnknownValue))
	if err != nil {
		t.Fatal(err)
	}
	f.Set(reflect.ValueOf(v))
}

// modelAttrs are a model's values as Terraform values by attribute name, as
// Read finds them in the raw state.
func modelAttrs(t *testing.T, model any) map[string]tftypes.Value {
	t.Helper()
	names, fields := tfsdkFields(reflect.ValueOf(model).Elem())
	attrs := map[string]tftypes.Value{}
	for _, name := range names {
		v, err := fields[name].Interface().(attr.Value).ToTerraformValue(context.Background())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		attrs[name] = v
	}
	return attrs
}

// planOf is a resource plan holding the model's values for the attributes
// the schema has (others are left out, and reported by TestEndpointFields).
func planOf(t *testing.T, ctx context.Context, resourceSchema schema.Schema, model *webhookEndpointResourceModel) tfsdk.Plan {
	t.Helper()
	typ := resourceSchema.Type().TerraformType(ctx).(tftypes.Object)
	all := modelAttrs(t, model)
	attrs := map[string]tftypes.Value{}
	for name, attrType := range typ.AttributeTypes {
		if v, ok := all[name]; ok {
			attrs[name] = v
		} else {
			attrs[name] = tftypes.NewValue(attrType, nil)
		}
	}
	return tfsdk.Plan{Schema: resourceSchema, Raw: tftypes.NewValue(typ, attrs)}
}

// safeTerraformValue is terraformValue with a panic of tftypes.NewValue
// (the fields and endpointObjectType disagree) reported as an error.
func safeTerraformValue(ctx context.Context, m endpointModel) (_ tftypes.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return m.terraformValue(ctx)
}
