package provider_test

// Terraform 1.11, the CLI on our machines, knows nothing of resource
// identity (1.12), actions or list resources (1.14). These tests drive the
// provider through the protocol calls those Terraform versions make, against
// the local server, so the features are tested here all the same.

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
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
	t        *testing.T
	ctx      context.Context
	server   fullServer
	schema   *tfprotov6.GetProviderSchemaResponse
	identity *tfprotov6.ResourceIdentitySchema
}

func newProtocolHarness(t *testing.T, env *acctest.Env) *protocolHarness {
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
			"max_retry_wait": tftypes.NewValue(tftypes.String, "50ms"),
		})
		resp, err := server.ConfigureProvider(h.ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.14.0", Config: config})
		h.check("ConfigureProvider", err, resp.Diagnostics)
	}
	return h
}

// value encodes an object of typ with the given attributes, the rest null.
func (h *protocolHarness) value(typ tftypes.Type, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	h.t.Helper()
	object, ok := typ.(tftypes.Object)
	if !ok {
		h.t.Fatalf("%s is not an object type", typ)
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

// The schema Terraform 1.14 would see: the 1.11 CLI's
// `terraform providers schema -json` cannot show actions, list resources or
// identities.
func TestProtocol_schemas(t *testing.T) {
	h := newProtocolHarness(t, nil)
	if _, ok := h.schema.ResourceSchemas[endpointType]; !ok {
		t.Error("no resource schema")
	}
	action, ok := h.schema.ActionSchemas[actionType]
	if !ok || action.Schema == nil {
		t.Fatalf("no schema for the %s action", actionType)
	}
	var actionAttrs []string
	for _, a := range action.Schema.Block.Attributes {
		actionAttrs = append(actionAttrs, a.Name)
	}
	slices.Sort(actionAttrs)
	if !slices.Equal(actionAttrs, []string{"endpoint_id", "report_only"}) {
		t.Errorf("action attributes %v", actionAttrs)
	}
	list, ok := h.schema.ListResourceSchemas[endpointType]
	if !ok || list == nil {
		t.Fatalf("no list resource schema for %s", endpointType)
	}
	var listAttrs []string
	for _, a := range list.Block.Attributes {
		listAttrs = append(listAttrs, a.Name)
	}
	slices.Sort(listAttrs)
	if !slices.Equal(listAttrs, []string{"active", "subscribed_event", "url_contains"}) {
		t.Errorf("list resource attributes %v", listAttrs)
	}
	if h.identity == nil || len(h.identity.IdentityAttributes) != 1 {
		t.Fatalf("identity schema %+v", h.identity)
	}
	if id := h.identity.IdentityAttributes[0]; id.Name != "id" || !id.RequiredForImport || !id.Type.Equal(tftypes.String) {
		t.Errorf("identity attribute %+v", id)
	}
}

func TestProtocol_importByIdentity(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	stored := env.Server.InsertEndpoint(localserver.Endpoint{
		URL: "https://made.elsewhere.example/hook", Description: "dashboard", Active: true,
		SubscribedEvents: []string{"order.created"},
	})
	h := newProtocolHarness(t, env)
	identityType := h.identity.ValueType()
	resourceType := h.schema.ResourceSchemas[endpointType].ValueType()

	imported, err := h.server.ImportResourceState(h.ctx, &tfprotov6.ImportResourceStateRequest{
		TypeName: endpointType,
		Identity: &tfprotov6.ResourceIdentityData{IdentityData: h.value(identityType, map[string]tftypes.Value{
			"id": tftypes.NewValue(tftypes.String, stored.ID),
		})},
	})
	h.check("ImportResourceState", err, imported.Diagnostics)
	if len(imported.ImportedResources) != 1 {
		t.Fatalf("%d imported resources", len(imported.ImportedResources))
	}
	ir := imported.ImportedResources[0]

	read, err := h.server.ReadResource(h.ctx, &tfprotov6.ReadResourceRequest{
		TypeName: endpointType, CurrentState: ir.State, CurrentIdentity: ir.Identity, Private: ir.Private,
	})
	h.check("ReadResource", err, read.Diagnostics)
	state := h.decode(resourceType, read.NewState)
	if got := str(t, state["url"]); got != stored.URL {
		t.Errorf("url %q after import, want %q", got, stored.URL)
	}
	if !state["secret"].IsNull() {
		t.Error("an imported endpoint must have a null secret")
	}
	if read.NewIdentity == nil {
		t.Fatal("no identity after the read")
	}
	identity := h.decode(identityType, read.NewIdentity.IdentityData)
	if got := str(t, identity["id"]); got != stored.ID {
		t.Errorf("identity id %q, want %q", got, stored.ID)
	}
}

func TestProtocol_listResource(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	a := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://a.example/hook", Description: "orders", Active: true, SubscribedEvents: []string{"order.created"}})
	b := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://b.example/hook", Active: false, SubscribedEvents: []string{"order.created"}})
	c := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://c.example/hook", Active: true})
	h := newProtocolHarness(t, env)
	listType := h.schema.ListResourceSchemas[endpointType].ValueType()
	identityType := h.identity.ValueType()
	resourceType := h.schema.ResourceSchemas[endpointType].ValueType()

	list := func(filter map[string]tftypes.Value, includeResource bool, limit int64) []tfprotov6.ListResourceResult {
		t.Helper()
		config := h.value(listType, filter)
		validated, err := h.server.ValidateListResourceConfig(h.ctx, &tfprotov6.ValidateListResourceConfigRequest{TypeName: endpointType, Config: config})
		h.check("ValidateListResourceConfig", err, validated.Diagnostics)
		stream, err := h.server.ListResource(h.ctx, &tfprotov6.ListResourceRequest{
			TypeName: endpointType, Config: config, IncludeResource: includeResource, Limit: limit,
		})
		if err != nil {
			t.Fatal(err)
		}
		var results []tfprotov6.ListResourceResult
		for r := range stream.Results {
			h.check("ListResource result", nil, r.Diagnostics)
			results = append(results, r)
		}
		return results
	}
	ids := func(results []tfprotov6.ListResourceResult) []string {
		var out []string
		for _, r := range results {
			out = append(out, str(t, h.decode(identityType, r.Identity.IdentityData)["id"]))
		}
		return out
	}
	sorted := func(s ...string) []string { slices.Sort(s); return s }

	if got, want := ids(list(nil, false, 100)), sorted(a.ID, b.ID, c.ID); !slices.Equal(got, want) {
		t.Errorf("all: %v, want %v", got, want)
	}
	active := map[string]tftypes.Value{"active": tftypes.NewValue(tftypes.Bool, true)}
	if got, want := ids(list(active, false, 100)), sorted(a.ID, c.ID); !slices.Equal(got, want) {
		t.Errorf("active: %v, want %v", got, want)
	}
	orders := map[string]tftypes.Value{"subscribed_event": tftypes.NewValue(tftypes.String, "order.created")}
	if got, want := ids(list(orders, false, 100)), sorted(a.ID, b.ID); !slices.Equal(got, want) {
		t.Errorf("order.created: %v, want %v", got, want)
	}
	if got := list(nil, false, 2); len(got) != 2 {
		t.Errorf("limit 2 gave %d results", len(got))
	}

	withResource := list(map[string]tftypes.Value{"url_contains": tftypes.NewValue(tftypes.String, "a.example")}, true, 100)
	if len(withResource) != 1 || withResource[0].Resource == nil {
		t.Fatalf("url_contains a.example: %d results", len(withResource))
	}
	if !strings.Contains(withResource[0].DisplayName, "orders") {
		t.Errorf("display name %q", withResource[0].DisplayName)
	}
	attrs := h.decode(resourceType, withResource[0].Resource)
	if str(t, attrs["url"]) != a.URL || str(t, attrs["description"]) != "orders" || !attrs["secret"].IsNull() {
		t.Errorf("listed resource attributes %v", attrs)
	}
}

func TestProtocol_action(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	healthy := env.Server.InsertEndpoint(localserver.Endpoint{URL: env.ReceiverURL + "/ok", Active: true})
	broken := env.Server.InsertEndpoint(localserver.Endpoint{URL: env.ReceiverURL + "/broken?status=500", Active: true})
	h := newProtocolHarness(t, env)
	actionTypeSchema := h.schema.ActionSchemas[actionType].Schema.ValueType()

	invoke := func(id string, reportOnly bool) (progress []string, diags []*tfprotov6.Diagnostic) {
		t.Helper()
		config := h.value(actionTypeSchema, map[string]tftypes.Value{
			"endpoint_id": tftypes.NewValue(tftypes.String, id),
			"report_only": tftypes.NewValue(tftypes.Bool, reportOnly),
		})
		validated, err := h.server.ValidateActionConfig(h.ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: actionType, Config: config})
		h.check("ValidateActionConfig", err, validated.Diagnostics)
		planned, err := h.server.PlanAction(h.ctx, &tfprotov6.PlanActionRequest{ActionType: actionType, Config: config})
		h.check("PlanAction", err, planned.Diagnostics)
		if n := env.Server.Count(localserver.RouteTest); n != int64(len(env.Receiver.Deliveries())) {
			t.Fatalf("test calls and deliveries disagree")
		}
		stream, err := h.server.InvokeAction(h.ctx, &tfprotov6.InvokeActionRequest{ActionType: actionType, Config: config})
		if err != nil {
			t.Fatal(err)
		}
		for event := range stream.Events {
			switch e := event.Type.(type) {
			case tfprotov6.ProgressInvokeActionEventType:
				progress = append(progress, e.Message)
			case tfprotov6.CompletedInvokeActionEventType:
				diags = e.Diagnostics
			}
		}
		return progress, diags
	}

	before := len(env.Receiver.Deliveries())
	progress, diags := invoke(healthy.ID, false)
	if len(diags) != 0 {
		t.Errorf("healthy endpoint: diagnostics %v", diags)
	}
	if len(progress) != 2 || !strings.Contains(progress[1], "200") {
		t.Errorf("progress %q", progress)
	}
	deliveries := env.Receiver.Deliveries()
	if len(deliveries) != before+1 {
		t.Fatalf("the action sent %d deliveries, want exactly 1", len(deliveries)-before)
	}
	if !localserver.VerifySignature(healthy.Secret, deliveries[len(deliveries)-1].Header.Get(localserver.SignatureHeader), deliveries[len(deliveries)-1].Body) {
		t.Error("the delivery's signature does not verify")
	}

	_, diags = invoke(broken.ID, false)
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError || !strings.Contains(diags[0].Detail, "HTTP 500") {
		t.Errorf("broken endpoint: want one error naming HTTP 500, got %+v", diags)
	}
	_, diags = invoke(broken.ID, true)
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Errorf("broken endpoint, report_only: want one warning, got %+v", diags)
	}
	_, diags = invoke("we_missing", false)
	if len(diags) != 1 || !strings.Contains(diags[0].Summary, "not found") {
		t.Errorf("unknown id: want a not-found error, got %+v", diags)
	}
}
