// Command floor is the framework floor of `make bench`: a provider serving
// retivo_webhook_endpoint with the real resource's own Schema and
// IdentitySchema that does nothing else (Create invents ids, Read returns the
// state, no HTTP call). Its time is what the framework and the protocol cost
// any provider with this schema; the retivo provider's time over it is its own.
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

// address is the floor's, set by the bench that builds it (-ldflags -X
// main.address=...), so that it is written in one place.
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

// floorProvider is the real provider, never configured, serving only the
// floor's endpoint.
type floorProvider struct{ provider.Provider }

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

// endpoint takes Metadata, Schema and IdentitySchema from the real resource
// through the interface, so that none of its other methods (ModifyPlan, ...)
// comes along.
type endpoint struct{ resource.ResourceWithIdentity }

// ids numbers the invented ids; one provider process per command.
var ids atomic.Int64

func (*endpoint) Create(_ context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	id := tftypes.NewValue(tftypes.String, fmt.Sprintf("we_floor%d_%018d", os.Getpid(), ids.Add(1)))
	state, err := known(req.Plan.Raw, id)
	if err != nil {
		resp.Diagnostics.AddError("floor: create", err.Error())
		return
	}
	resp.State.Raw = state
	if resp.Identity != nil {
		resp.Identity.Raw = identity(id)
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
	state, err := known(req.Plan.Raw, tftypes.Value{})
	if err != nil {
		resp.Diagnostics.AddError("floor: update", err.Error())
		return
	}
	resp.State.Raw = state
}

// Delete has nothing to delete; the framework removes the state.
func (*endpoint) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

// known replaces the plan's unknown values, the computed ones the API would
// answer with: the id by id (unless it is the zero Value), every other
// string by a fixed timestamp-like text. Nothing else is unknown in the
// bench's configurations.
func known(plan, id tftypes.Value) (tftypes.Value, error) {
	return tftypes.Transform(plan, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		switch {
		case v.IsKnown() || !v.Type().Is(tftypes.String):
			return v, nil
		case id.Type() != nil && p.Equal(tftypes.NewAttributePath().WithAttributeName("id")):
			return id, nil
		}
		return tftypes.NewValue(tftypes.String, "2026-01-01T00:00:00Z"), nil
	})
}
