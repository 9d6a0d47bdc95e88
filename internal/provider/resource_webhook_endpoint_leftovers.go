package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// leftoverCheckKey is the private-state key under which a resource whose
// create had attempts with an unknown outcome (see
// retivo.Client.CreateEndpoint) keeps what the next refresh needs to name
// their leftovers: the ids of the endpoints identical to it that are not
// leftovers (they existed before the create, or a create of the same
// provider process returned them). The record is the resource's own, so what
// a plan says does not depend on the order in which Terraform reads
// resources.
const leftoverCheckKey = "leftover_check"

// leftoverCheck is the record under leftoverCheckKey.
type leftoverCheck struct {
	NotLeftovers []string `json:"not_leftovers"`
}

// privateState is the part of the framework's private state a resource uses.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// rememberLeftoverCheck records what the next refresh needs to name the
// leftovers of a create with attempts whose outcome was unknown.
func rememberLeftoverCheck(ctx context.Context, private privateState, created *retivo.Created) diag.Diagnostics {
	data, err := json.Marshal(leftoverCheck{NotLeftovers: created.KnownIdentical})
	if err != nil {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Could not record the leftover check", err.Error())}
	}
	return private.SetKey(ctx, leftoverCheckKey, data)
}

// checkLeftovers names the endpoints identical to this one that Retivo holds
// and that are not known to be anyone else's: leftovers of the create's
// attempts with an unknown outcome, including ones the server stored after
// the apply looked. Every plan names them until the next apply, whose
// refresh names them once more and is the last: Terraform saves that
// refresh's private state, from which the record is gone. A reminder that
// never ended would keep advising the deletion of an identical endpoint
// another workspace created later and manages.
func (r *webhookEndpointResource) checkLeftovers(ctx context.Context, from, to privateState, state webhookEndpointResourceModel) diag.Diagnostics {
	data, diags := from.GetKey(ctx, leftoverCheckKey)
	if len(data) == 0 || diags.HasError() {
		return diags
	}
	diags.Append(to.SetKey(ctx, leftoverCheckKey, nil)...)
	var check leftoverCheck
	if err := json.Unmarshal(data, &check); err != nil {
		return diags // unreadable: nothing to name
	}
	snapshot, err := r.client.Endpoints(ctx) // the snapshot the read just used
	if err != nil {
		return diags
	}
	body, bodyDiags := createRequest(ctx, state)
	if bodyDiags.HasError() {
		return diags
	}
	leftovers := slices.DeleteFunc(retivo.IdenticalEndpoints(snapshot.Endpoints, body, state.ID.ValueString()),
		func(id string) bool { return slices.Contains(check.NotLeftovers, id) })
	if len(leftovers) > 0 {
		diags.AddWarning("Possible leftover webhook endpoints for "+body.URL,
			fmt.Sprintf("When webhook endpoint %s was created, earlier attempts got no usable answer, and Retivo "+
				"holds identical endpoint(s) that were not there before: %s. Nobody knows their signing secret: "+
				"unless another workspace created them at the same moment and manages them, delete them through "+
				"the Retivo API, or import them and replace them to get a new secret. Plans name them until the "+
				"next apply, which names them for the last time.", state.ID.ValueString(), strings.Join(leftovers, ", ")))
	}
	return diags
}
