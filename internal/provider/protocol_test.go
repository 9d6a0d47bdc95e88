package provider_test

// Terraform 1.11, the CLI on our machines, knows nothing of resource
// identity (1.12), actions or list resources (1.14). These tests drive the
// provider through the protocol calls those Terraform versions make, against
// the local server, so the features are tested here all the same.

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

const (
	endpointType = "retivo_webhook_endpoint"
	actionType   = "retivo_webhook_endpoint_test"
)

// fullServer is the provider server with every optional part Terraform 1.14 uses.
type fullServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
}

// protocolHarness is a configured provider server and its schemas.
type protocolHarness struct {
	t        testing.TB
	ctx      context.Context
	server   fullServer
	schema   *tfprotov6.GetProviderSchemaResponse
	identity *tfprotov6.ResourceIdentitySchema
}

func newProtocolHarness(t testing.TB, env *acctest.Env) *protocolHarness {
	t.Helper()
	base, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		t.Fatal(err)
	}
	server, ok := base.(fullServer)
	if !ok {
		t.Fatalf("the provider server (%T) does not serve list resources and actions", base)
	}
	h := &protocolHarness{t: t, ctx: context.Background(), server: server}
	h.schema, err = server.GetProviderSchema(h.ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(h.schema.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, h.schema.Diagnostics)
	}
	identities, err := server.GetResourceIdentitySchemas(h.ctx, &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(identities.Diagnostics) > 0 {
		t.Fatalf("GetResourceIdentitySchemas: %v %v", err, identities.Diagnostics)
	}
	h.identity = identities.IdentitySchemas[endpointType]
	if env != nil {
		config := h.value(h.schema.Provider.ValueType(), map[string]tftypes.Value{
			"api_key":        tftypes.NewValue(tftypes.String, acctest.APIKey),
			"base_url":       tftypes.NewValue(tftypes.String, env.BaseURL),
			"max_retries":    tftypes.NewValue(tftypes.Number, retivo.DefaultMaxRetries),
			"max_retry_wait": tftypes.NewValue(tftypes.String, "50ms"),
		})
		resp, err := server.ConfigureProvider(h.ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.14.0", Config: config})
		h.check("ConfigureProvider", err, resp.Diagnostics)
	}
	return h
}

// value encodes an object of typ with the given attributes, the rest null.
// An attribute typ does not have fails the test: the tests that call the
// provider through the protocol name attributes, and a name the schema
// lacks must not be dropped silently.
func (h *protocolHarness) value(typ tftypes.Type, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	h.t.Helper()
	object, ok := typ.(tftypes.Object)
	if !ok {
		h.t.Fatalf("%s is not an object type", typ)
	}
	for name := range attrs {
		if _, ok := object.AttributeTypes[name]; !ok {
			h.t.Fatalf("the schema has no attribute %q (it has %v)", name, slices.Sorted(maps.Keys(object.AttributeTypes)))
		}
	}
	values := map[string]tftypes.Value{}
	for name, attrType := range object.AttributeTypes {
		if v, ok := attrs[name]; ok {
			values[name] = v
		} else {
			values[name] = tftypes.NewValue(attrType, nil)
		}
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		h.t.Fatal(err)
	}
	return &dv
}

func (h *protocolHarness) check(call string, err error, diags []*tfprotov6.Diagnostic) {
	h.t.Helper()
	if err != nil {
		h.t.Fatalf("%s: %v", call, err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			h.t.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
		}
	}
}

// decode reads a dynamic value of typ into a map of attribute values.
func (h *protocolHarness) decode(typ tftypes.Type, dv *tfprotov6.DynamicValue) map[string]tftypes.Value {
	h.t.Helper()
	v, err := dv.Unmarshal(typ)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]tftypes.Value{}
	if err := v.As(&out); err != nil {
		h.t.Fatal(err)
	}
	return out
}

func str(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// The schema Terraform 1.14 would see (the 1.11 CLI's
// `terraform providers schema -json` cannot show actions, list resources or
// identities): each part is there, the list resource takes the filters of
// the retivo_webhook_endpoints data source, as its description says, and the
// identity's attributes are the resource's, so that an import by identity
// can fill them in. What each attribute does is checked by the tests that
// call the action and the list resource through the protocol (value rejects
// a name the schema lacks).
func TestProtocol_schemas(t *testing.T) {
	t.Parallel()
	h := newProtocolHarness(t, nil)
	resourceSchema, ok := h.schema.ResourceSchemas[endpointType]
	if !ok || resourceSchema.Block == nil {
		t.Fatal("no resource schema")
	}
	if action, ok := h.schema.ActionSchemas[actionType]; !ok || action.Schema == nil || len(action.Schema.Block.Attributes) == 0 {
		t.Errorf("no schema for the %s action", actionType)
	}
	list, ok := h.schema.ListResourceSchemas[endpointType]
	if !ok || list == nil || len(list.Block.Attributes) == 0 {
		t.Fatalf("no list resource schema for %s", endpointType)
	}
	dataSource, ok := h.schema.DataSourceSchemas["retivo_webhook_endpoints"]
	if !ok {
		t.Fatal("no schema for the retivo_webhook_endpoints data source")
	}
	for _, a := range list.Block.Attributes {
		i := slices.IndexFunc(dataSource.Block.Attributes, func(d *tfprotov6.SchemaAttribute) bool { return d.Name == a.Name })
		if i < 0 {
			t.Errorf("the list resource's %q is not a filter of the data source", a.Name)
			continue
		}
		d := dataSource.Block.Attributes[i]
		if !a.Type.Equal(d.Type) || a.Optional != d.Optional || a.Required != d.Required || a.Description != d.Description {
			t.Errorf("the list resource's %q differs from the data source's: %+v, %+v", a.Name, a, d)
		}
	}
	if h.identity == nil || len(h.identity.IdentityAttributes) == 0 {
		t.Fatalf("identity schema %+v", h.identity)
	}
	for _, id := range h.identity.IdentityAttributes {
		i := slices.IndexFunc(resourceSchema.Block.Attributes, func(a *tfprotov6.SchemaAttribute) bool { return a.Name == id.Name })
		if i < 0 || !resourceSchema.Block.Attributes[i].Type.Equal(id.Type) || !id.RequiredForImport {
			t.Errorf("identity attribute %+v is not a resource attribute of its type required for import", id)
		}
	}
}
