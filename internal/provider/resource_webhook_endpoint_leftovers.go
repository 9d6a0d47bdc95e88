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

// leftoversKey is the private-state key under which a resource remembers
// the endpoints its create may have left: attempts whose outcome was unknown
// before the one that succeeded (see retivo.Client.CreateEndpoint). The
// record is the resource's own, so later plans can name those endpoints
// whatever order Terraform reads resources in.
const leftoversKey = "possible_leftovers"

// privateState is the part of the framework's private state a resource uses.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// rememberLeftovers records ids in the resource's private state.
func rememberLeftovers(ctx context.Context, private privateState, ids []string) diag.Diagnostics {
	if len(ids) == 0 {
		return private.SetKey(ctx, leftoversKey, nil)
	}
	data, err := json.Marshal(ids)
	if err != nil {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Could not record leftover endpoints", err.Error())}
	}
	return private.SetKey(ctx, leftoversKey, data)
}

// checkLeftovers names, on every refresh, the endpoints the create may have
// left that Retivo still holds identical to this endpoint; the ones that are
// gone or have changed (deleted, or imported and replaced, as the warning
// advises) are forgotten.
func (r *webhookEndpointResource) checkLeftovers(ctx context.Context, from, to privateState, state webhookEndpointResourceModel) diag.Diagnostics {
	data, diags := from.GetKey(ctx, leftoversKey)
	if len(data) == 0 || diags.HasError() {
		return diags
	}
	var remembered []string
	if err := json.Unmarshal(data, &remembered); err != nil {
		return rememberLeftovers(ctx, to, nil) // unreadable: nothing to name
	}
	snapshot, err := r.client.Endpoints(ctx) // the snapshot the read just used
	if err != nil {
		return nil // the read succeeded; the next refresh looks again
	}
	body, bodyDiags := createRequest(ctx, state)
	if bodyDiags.HasError() {
		return nil
	}
	identical := retivo.IdenticalEndpoints(snapshot.Endpoints, body, state.ID.ValueString())
	var still []string
	for _, id := range remembered {
		if slices.Contains(identical, id) {
			still = append(still, id)
		}
	}
	diags.Append(rememberLeftovers(ctx, to, still)...)
	if len(still) > 0 {
		diags.AddWarning("Possible leftover webhook endpoints for "+body.URL,
			fmt.Sprintf("When webhook endpoint %s was created, earlier attempts got no usable answer, and Retivo "+
				"holds identical endpoint(s) that appeared then: %s. Nobody knows their signing secret: delete "+
				"them through the Retivo API, or import them and replace them to get a new secret. If another "+
				"workspace created them at that moment and manages them, the receiver gets every event more "+
				"than once.", state.ID.ValueString(), strings.Join(still, ", ")))
	}
	return diags
}
