package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// leftoverCheckKey is the private-state key under which a resource whose
// create had attempts with an unknown outcome (see
// retivo.Client.CreateEndpoint) keeps what the next refresh needs to name
// their leftovers. The record is the resource's own, so what a plan says
// does not depend on the order in which Terraform reads resources.
const leftoverCheckKey = "leftover_check"

// leftoverCheck is the record under leftoverCheckKey: the leftovers the
// create found, or, when its look failed or found none (a lagging list, a
// late commit), what a refresh needs to look again: the identical endpoints
// known not to be leftovers (they existed before the create, or a create of
// the same process returned them).
type leftoverCheck struct {
	Leftovers    []string `json:"leftovers,omitempty"`
	Open         bool     `json:"open,omitempty"`
	NotLeftovers []string `json:"not_leftovers,omitempty"`
}

// privateState is the part of the framework's private state a resource uses.
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// rememberLeftoverCheck records what the next refresh needs to name the
// leftovers of a create with attempts whose outcome was unknown.
func rememberLeftoverCheck(ctx context.Context, private privateState, created *retivo.Created) diag.Diagnostics {
	check := leftoverCheck{Leftovers: created.Leftovers}
	if len(created.Leftovers) == 0 {
		check = leftoverCheck{Open: true, NotLeftovers: created.KnownIdentical}
	}
	data, err := json.Marshal(check)
	if err != nil {
		return diag.Diagnostics{diag.NewErrorDiagnostic("Could not record the leftover check", err.Error())}
	}
	return private.SetKey(ctx, leftoverCheckKey, data)
}

// checkLeftovers names the leftovers of the create that Retivo still holds
// identical to this endpoint. When the create's look found none, it looks
// again: for identical endpoints not known before and created no later than
// this one (an endpoint created after it, by a sibling resource or another
// workspace, cannot be a leftover of its earlier attempts).
//
// Every plan names them until the next apply, whose refresh names them once
// more and is the last: Terraform saves that refresh's private state, from
// which the record is gone. A reminder that never ended would keep advising
// the deletion of an endpoint another workspace may manage.
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
		func(id string) bool {
			if !check.Open {
				return !slices.Contains(check.Leftovers, id)
			}
			e, _ := snapshot.Find(id)
			return slices.Contains(check.NotLeftovers, id) || createdLater(e.CreatedAt, state.CreatedAt.ValueString())
		})
	if len(leftovers) > 0 {
		diags.AddWarning("Possible leftover webhook endpoints for "+body.URL,
			fmt.Sprintf("When webhook endpoint %s was created, earlier attempts got no usable answer, and Retivo "+
				"holds identical endpoint(s) they may have registered: %s. Nobody knows their signing secret: "+
				"unless another workspace created them at the same moment and manages them, delete them through "+
				"the Retivo API, or import them and replace them to get a new secret. Plans name them until the "+
				"next apply, which names them for the last time.", state.ID.ValueString(), strings.Join(leftovers, ", ")))
	}
	return diags
}

// createdLater reports whether timestamp a is later than b. Retivo's format
// is not documented: only two RFC 3339 times are compared, and any other
// pair is not called later.
func createdLater(a, b string) bool {
	ta, errA := time.Parse(time.RFC3339Nano, a)
	tb, errB := time.Parse(time.RFC3339Nano, b)
	return errA == nil && errB == nil && ta.After(tb)
}
