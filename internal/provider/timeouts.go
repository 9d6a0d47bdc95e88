package provider

import (
	"context"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// Deadlines. Every call to Retivo runs under its caller's deadline, retries
// included: a resource operation or a data source read under its timeouts
// block value (or the default), the function under its timeout option, the
// list resource and the action under defaultCallTimeout, the plan-time look
// for identical endpoints under duplicateCheckTimeout. Only
// retivo.GracePeriod goes beyond it: a create already sent, and the look for
// what a create with an unknown outcome may have left, may outlive the
// caller by that much.

// Default timeouts of the resource's operations.
const (
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
)

// endpointTimeoutsBlock is the resource's timeouts block: one per operation.
func endpointTimeoutsBlock(ctx context.Context) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})
}

// endpointTimeoutsAttrTypes are the attributes of the timeouts block, for a
// null block in values built outside a plan (the list resource's results).
func endpointTimeoutsAttrTypes(ctx context.Context) map[string]attr.Type {
	attrTypes := map[string]attr.Type{}
	for name, attribute := range endpointTimeoutsBlock(ctx).GetNestedObject().GetAttributes() {
		attrTypes[name] = attribute.GetType()
	}
	return attrTypes
}

// withTimeout bounds ctx by a timeouts block value or its default. ok is
// false when the value cannot be read; diags says why.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics), def time.Duration, diags *diag.Diagnostics) (_ context.Context, _ context.CancelFunc, ok bool) {
	d, problems := get(ctx, def)
	diags.Append(problems...)
	if problems.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel := context.WithTimeout(ctx, d)
	return ctx, cancel, true
}

// defaultCallTimeout bounds each call of the callers that have no timeouts
// setting, the list resource and the action, and is the default of the data
// sources' timeouts block (the function has its own timeout option, see
// defaultFunctionTimeout).
const defaultCallTimeout = 5 * time.Minute

// withDefaultDeadline bounds a caller that has no timeouts setting.
func withDefaultDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, defaultCallTimeout)
}

// dataSourceTimeoutsBlock is the data sources' timeouts block: read only.
func dataSourceTimeoutsBlock(ctx context.Context) dsschema.Block {
	return dstimeouts.Block(ctx)
}

// withDataSourceDeadline bounds a data source's read by its timeouts block.
func withDataSourceDeadline(ctx context.Context, t dstimeouts.Value, diags *diag.Diagnostics) (context.Context, context.CancelFunc, bool) {
	return withTimeout(ctx, t.Read, defaultCallTimeout, diags)
}

// Bounds of one call of the function, retries included.
const (
	defaultFunctionTimeout = time.Minute
	maxFunctionTimeout     = 10 * time.Minute
)

// duplicateCheckTimeout bounds the plan-time look for identical endpoints.
const duplicateCheckTimeout = 30 * time.Second
