// Command floor is the framework floor of `make bench`: a
// terraform-plugin-framework provider that serves retivo_webhook_endpoint
// with the real resource's own Schema and IdentitySchema (attributes,
// defaults, validators, plan modifiers, the sensitive computed secret, the
// timeouts block and the identity) and does nothing else. Create invents an
// id and fills the other computed values; Read returns the state as it is;
// Update takes the plan; Delete forgets. It makes no HTTP call. The time it
// takes is what the framework and the protocol cost any provider with this
// schema, so the retivo provider's time over it is the provider's own.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"sync/atomic"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	retivo "github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/sdklog"
)

// address is where the bench's CLI configuration installs the floor from,
// set by the bench when it builds the floor (-ldflags -X main.address=...),
// so that it is written in one place. A configuration gives the floor the
// local name retivo, so its resource blocks are the real provider's.
var address string

func main() {
	// The same logging setting as the real provider's main.
	if err := sdklog.QuietUnlessAsked(os.Environ(), os.Setenv); err != nil {
		log.Fatal(err.Error())
	}
	newProvider := func() provider.Provider { return floorProvider{retivo.New("floor")()} }
	if err := providerserver.Serve(context.Background(), newProvider, providerserver.ServeOpts{Address: address}); err != nil {
		log.Fatal(err.Error())
	}
}

// floorProvider is the real provider, with its metadata and schema, never
// configured and serving retivo_webhook_endpoint only, as the floor's
// endpoint.
type floorProvider struct {
	provider.Provider
}

func (floorProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}

func (floorProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// Resources finds the real resource here, once: in the factory, which the
// framework calls for every request, finding it would cost the floor more
// than the real provider's factory costs it.
func (p floorProvider) Resources(ctx context.Context) []func() resource.Resource {
	for _, newResource := range p.Provider.Resources(ctx) {
		var metadata resource.MetadataResponse
		realResource := newResource()
		realResource.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "retivo"}, &metadata)
		if withIdentity, ok := realResource.(resource.ResourceWithIdentity); ok && metadata.TypeName == "retivo_webhook_endpoint" {
			return []func() resource.Resource{func() resource.Resource { return &endpoint{withIdentity} }}
		}
	}
	panic("the provider has no retivo_webhook_endpoint resource with an identity")
}

// endpoint takes Metadata, Schema and IdentitySchema from the real resource,
// through the interface, so that none of its other methods (ModifyPlan,
// ImportState, ...) comes along, and has do-nothing Create, Read, Update and
// Delete of its own.
type endpoint struct {
	resource.ResourceWithIdentity
}

// ids numbers the invented ids; one provider process per command.
var ids atomic.Int64

func (*endpoint) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	id := fmt.Sprintf("we_floor%d_%018d", os.Getpid(), ids.Add(1))
	state, err := known(req.Plan.Raw, id)
	if err != nil {
		resp.Diagnostics.AddError("floor: create", err.Error())
		return
	}
	resp.State.Raw = state
	if resp.Identity != nil {
		resp.Identity.Raw = identity(tftypes.NewValue(tftypes.String, id))
	}
}

// Read leaves the state the framework copied into the response as it is.
// The framework wants an identity after every read, and Terraform before
// 1.12 sends none: it is made from the state's id, as the provider does.
func (*endpoint) Read(_ context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if resp.Identity == nil || !resp.Identity.Raw.IsFullyNull() {
		return
	}
	step, err := req.State.Raw.ApplyTerraform5AttributePathStep(tftypes.AttributeName("id"))
	id, ok := step.(tftypes.Value)
	if err != nil || !ok {
		resp.Diagnostics.AddError("floor: read", fmt.Sprintf("no id in the state: %v", err))
		return
	}
	resp.Identity.Raw = identity(id)
}

func identity(id tftypes.Value) tftypes.Value {
	return tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": tftypes.String}},
		map[string]tftypes.Value{"id": id})
}

func (*endpoint) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	state, err := known(req.Plan.Raw, "")
	if err != nil {
		resp.Diagnostics.AddError("floor: update", err.Error())
		return
	}
	resp.State.Raw = state
}

// Delete has nothing to delete; the framework removes the state.
func (*endpoint) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// known replaces the plan's unknown values, the computed ones the API would
// answer with: the id by id, every other string by a fixed timestamp-like
// text. Nothing else is unknown in the bench's configurations.
func known(plan tftypes.Value, id string) (tftypes.Value, error) {
	return tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		if v.IsKnown() || !v.Type().Is(tftypes.String) {
			return v, nil
		}
		if id != "" && p.Equal(tftypes.NewAttributePath().WithAttributeName("id")) {
			return tftypes.NewValue(tftypes.String, id), nil
		}
		return tftypes.NewValue(tftypes.String, "2026-01-01T00:00:00Z"), nil
	})
}
