package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/identityschema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// NewWebhookEndpointResource returns the retivo_webhook_endpoint resource.
func NewWebhookEndpointResource() resource.Resource { return &webhookEndpointResource{} }

type webhookEndpointResource struct {
	client *retivo.Client
}

// webhookEndpointIdentity is the resource identity (Terraform 1.12+): the
// endpoint's id, which never changes for the life of the endpoint.
type webhookEndpointIdentity struct {
	ID types.String `tfsdk:"id"`
}

type webhookEndpointResourceModel struct {
	endpointModel
	Secret types.String `tfsdk:"secret"`
	secretEncryption
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

// secretEncryption are the resource's attributes that keep the secret out
// of state: no answer carries them (see secret_encryption.go).
type secretEncryption struct {
	SecretRecipients types.Set    `tfsdk:"secret_recipients"`
	EncryptedSecret  types.String `tfsdk:"encrypted_secret"`
}

// noSecretEncryption is secretEncryption for an endpoint without recipients.
var noSecretEncryption = secretEncryption{SecretRecipients: types.SetNull(types.StringType), EncryptedSecret: types.StringNull()}

func (r *webhookEndpointResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_endpoint"
}

func (r *webhookEndpointResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = WebhookEndpointSchema(ctx)
}

// WebhookEndpointSchema is the retivo_webhook_endpoint resource's schema. It
// is exported for the benchmark's framework-floor provider (a do-nothing
// provider with this exact schema, internal/cmd/bench/floor).
func WebhookEndpointSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A Retivo outbound webhook endpoint: a URL that Retivo sends the subscribed events to, " +
			"signed with the endpoint's secret. Every attribute updates in place.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				MarkdownDescription: "The endpoint's id, assigned by Retivo.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"url": schema.StringAttribute{
				MarkdownDescription: "The absolute `http` or `https` URL Retivo delivers events to.",
				Required:            true,
				Validators:          urlValidators(),
			},
			"description": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("A note for people, at most %d characters. Defaults to `\"\"`; "+
					"removing it from the configuration clears it on Retivo.", maxDescriptionLength),
				Optional:   true,
				Computed:   true,
				Default:    stringdefault.StaticString(""),
				Validators: []validator.String{stringvalidator.LengthAtMost(maxDescriptionLength)},
			},
			"subscribed_events": schema.SetAttribute{
				MarkdownDescription: fmt.Sprintf("The event types delivered to this endpoint, such as "+
					"`order.created`. A set: order and duplicates do not matter. Leaving it out means no "+
					"events (`[]`), and removing it from the configuration unsubscribes the endpoint from every "+
					"event, which the plan shows. At most %d names, each non-empty, without spaces and at "+
					"most %d characters.", maxEvents, maxEventNameLength),
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				Validators:  eventValidators(),
			},
			"active": schema.BoolAttribute{
				MarkdownDescription: "Whether Retivo delivers events to the endpoint. Defaults to `true`; set " +
					"`false` to pause deliveries without losing the endpoint or its secret.",
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
			},
			"secret": schema.StringAttribute{
				MarkdownDescription: "The signing secret receivers use to verify deliveries. Retivo returns it " +
					"only once, when the endpoint is created, so it is kept in state and marked sensitive. It " +
					"cannot be read back: after `terraform import` it is `null`. To get a new secret, replace " +
					"the endpoint (`terraform apply -replace=...` or `lifecycle { replace_triggered_by = [...] }`). " +
					"`null` with `secret_recipients`, which keep it out of state: see `encrypted_secret`.",
				Computed:      true,
				Sensitive:     true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"secret_recipients": schema.SetAttribute{
				MarkdownDescription: "Keeps the signing secret out of state: age public keys (`age1…`) or SSH " +
					"public keys (`ssh-ed25519 …`, `ssh-rsa …`) that the secret is encrypted to, into " +
					"`encrypted_secret`, while `secret` stays `null`; the plaintext is never written to state " +
					"or plan. Any one recipient's identity decrypts it, with `age -d` or the `decrypt_secret` " +
					"function. Added to an endpoint whose secret is in state, it moves the secret out in place; " +
					"changed or removed afterwards, it replaces the endpoint (a new secret), since the plaintext " +
					"is gone. See the guide \"Keeping webhook secrets out of state\".",
				ElementType: types.StringType,
				Optional:    true,
				Validators: []validator.Set{setvalidator.SizeAtLeast(1),
					setvalidator.ValueStringsAre(recipientValidator{}), recipientSetValidator{}},
				PlanModifiers: []planmodifier.Set{setplanmodifier.RequiresReplaceIf(recipientsChangeNeedsReplacement,
					"A change of secret_recipients after the secret was encrypted needs a new secret, so the endpoint is replaced.",
					"A change of `secret_recipients` after the secret was encrypted needs a new secret, so the endpoint is replaced.")},
			},
			"encrypted_secret": schema.StringAttribute{
				MarkdownDescription: "With `secret_recipients`: the signing secret encrypted to them, an armored " +
					"age file (`-----BEGIN AGE ENCRYPTED FILE-----`), safe to keep in state and to output. " +
					"`null` without recipients, and after an import (the secret cannot be read back).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"created_at": schema.StringAttribute{
				MarkdownDescription: "When the endpoint was created, as Retivo formats it.",
				Computed:            true,
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"updated_at": schema.StringAttribute{
				MarkdownDescription: "When the endpoint last changed, as Retivo formats it; equal to " +
					"`created_at` until the first update.",
				Computed: true,
			},
			"mode": schema.StringAttribute{
				MarkdownDescription: "`test` or `live`: the mode of the API key that created or imported the " +
					"endpoint (`rt_test_` or `rt_live_`), which an endpoint keeps for life. A plan or refresh with " +
					"a key of the other mode stops with an error instead of planning a new endpoint: see " +
					"[Moving from test mode to live mode](#moving-from-test-mode-to-live-mode).",
				Computed:      true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": endpointTimeoutsBlock(ctx),
		},
	}
}

func (r *webhookEndpointResource) IdentitySchema(_ context.Context, _ resource.IdentitySchemaRequest, resp *resource.IdentitySchemaResponse) {
	resp.IdentitySchema = WebhookEndpointIdentitySchema()
}

// WebhookEndpointIdentitySchema is the resource's identity schema, exported
// like WebhookEndpointSchema for the benchmark's framework-floor provider.
func WebhookEndpointIdentitySchema() identityschema.Schema {
	return identityschema.Schema{
		Attributes: map[string]identityschema.Attribute{
			"id": identityschema.StringAttribute{
				Description:       "The endpoint's id, such as we_0123456789abcdef01234567.",
				RequiredForImport: true,
			},
		},
	}
}

// setIdentity records the identity next to the state. Terraform versions
// without resource identity send no identity, and then there is none to set.
func setIdentity(ctx context.Context, identity *tfsdk.ResourceIdentity, id types.String) diag.Diagnostics {
	if identity == nil {
		return nil
	}
	return identity.Set(ctx, webhookEndpointIdentity{ID: id})
}

func (r *webhookEndpointResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *webhookEndpointResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan webhookEndpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	body, diags := createRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	outcome, err := r.client.CreateEndpoint(ctx, body)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(resourceCreate, "create the webhook endpoint", err))
		return
	}
	created := outcome.Endpoint
	if outcome.UnknownAttempts > 0 {
		resp.Diagnostics.AddWarning("An earlier attempt may have left a webhook endpoint for "+body.URL,
			fmt.Sprintf("Webhook endpoint %s was created, but %d earlier attempt(s) got no usable answer and may "+
				"have registered an endpoint too. %s.", created.ID, outcome.UnknownAttempts,
				describeLeftovers(outcome.Leftovers, outcome.LeftoverLookupErr)))
		resp.Diagnostics.Append(rememberLeftoverCheck(ctx, resp.Private, outcome)...)
	}

	// State comes straight from the create answer: it is the only one that
	// carries the secret, and a list call would add nothing.
	plan.merge(*created)
	plan.Secret = types.StringValue(created.Secret)
	plan.EncryptedSecret = types.StringNull()
	if created.Secret != "" && !plan.SecretRecipients.IsNull() {
		resp.Diagnostics.Append(plan.encryptSecret(ctx, created.Secret)...)
	}
	if created.Secret == "" {
		plan.Secret = types.StringNull()
		resp.Diagnostics.AddAttributeWarning(path.Root("secret"), "Retivo returned no signing secret",
			fmt.Sprintf("Retivo created webhook endpoint %s but its answer carried no signing secret, and the "+
				"secret cannot be read later: receivers cannot verify deliveries. Replace the endpoint to get a "+
				"new secret: terraform apply -replace=<this resource's address>.", created.ID))
	}
	if plan.UpdatedAt.IsUnknown() {
		// The create answer has no updated_at: an endpoint that was never
		// updated was last changed when it was created.
		plan.UpdatedAt = plan.CreatedAt
	}
	resp.Diagnostics.Append(saveState(ctx, &resp.State, resp.Identity, &plan)...)
}

func (r *webhookEndpointResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	if r.readUnchanged(ctx, req, resp) {
		return
	}
	state, ok := r.priorState(ctx, req.State, &resp.Diagnostics)
	if !ok {
		return
	}
	if r.refuseOtherMode(state.ID.ValueString(), state.Mode, &resp.Diagnostics) {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	// The API has no "get one endpoint" call: read through the list, shared
	// by every read of this provider process (see retivo.Client.Endpoints).
	id := state.ID.ValueString()
	lookup, err := r.client.FindEndpoint(ctx, id)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic(resourceRead, "read webhook endpoint "+id, err))
		return
	}
	if !lookup.Found {
		forgetMissing(ctx, id, r.unknownModeKey(state.Mode), lookup.LeftOut, resp)
		return
	}
	state.merge(lookup.Endpoint)
	resp.Diagnostics.Append(saveState(ctx, &resp.State, resp.Identity, &state)...)
	resp.Diagnostics.Append(r.checkLeftovers(ctx, req.Private, resp.Private, state)...)
}

// forgetMissing removes from the state an endpoint two list answers in a
// row left out, and says so. keyMode is the key's mode when the state does
// not know the endpoint's (an import, a state of an earlier version): the
// endpoint may be of the other mode.
func forgetMissing(ctx context.Context, id, keyMode string, leftOut int, resp *resource.ReadResponse) {
	resp.Diagnostics.AddWarning("Webhook endpoint not found", notFoundDetail(id, keyMode, leftOut))
	resp.State.RemoveResource(ctx)
	// The framework wants an identity after every successful read, even one
	// that removes the resource.
	resp.Diagnostics.Append(setIdentity(ctx, resp.Identity, types.StringValue(id))...)
}

// switchBackForAnEarlierState is what to do when an endpoint of a state
// written by an earlier version, which does not know its mode, is not found.
const switchBackForAnEarlierState = "switch the provider's key back to one before you apply, or the apply " +
	"creates a new endpoint in this mode: a state written by an earlier version of the provider does not say " +
	"which mode the endpoint is"

// notFoundDetail explains a refresh that did not find the endpoint, which
// two list answers in a row left out.
func notFoundDetail(id, keyMode string, leftOut int) string {
	detail := fmt.Sprintf("Webhook endpoint %s was not found on Retivo in two list answers in a row (deleted "+
		"outside Terraform, or a wrong id or API key?). It has been removed from the state; while it stays in "+
		"the configuration, the next apply creates a new one.", id)
	if keyMode != "" {
		detail += otherModeHint(id, keyMode, switchBackForAnEarlierState)
	}
	if leftOut > 0 {
		detail += fmt.Sprintf("\n\nThe list also held %d endpoint(s) whose id is not usable, which were left "+
			"out: this endpoint may be one of them, answered under a damaged id. Report it to Retivo support "+
			"before applying, or the apply creates a second endpoint.", leftOut)
	}
	return detail
}

func (r *webhookEndpointResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan webhookEndpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	state, ok := r.priorState(ctx, req.State, &resp.Diagnostics)
	if !ok || resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	if r.refuseOtherMode(state.ID.ValueString(), state.Mode, &resp.Diagnostics) {
		return
	}
	body, diags := updateRequest(ctx, plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	updated, err := r.client.UpdateEndpoint(ctx, id, body)
	if err != nil {
		if retivo.IsNotFound(err) && !isKnown(state.Mode) {
			resp.Diagnostics.AddError("Webhook endpoint not found", fmt.Sprintf("Retivo has no webhook endpoint "+
				"%s for the provider's API key.", id)+otherModeHint(id, r.client.Mode(), switchBackForAnEarlierState))
			return
		}
		if retivo.IsNotFound(err) {
			resp.Diagnostics.AddError("Webhook endpoint no longer exists", fmt.Sprintf("Webhook endpoint %s was "+
				"deleted outside Terraform while this apply ran. Run terraform apply again: the refresh will "+
				"notice and the endpoint will be created anew.", id))
			return
		}
		resp.Diagnostics.Append(apiErrorDiagnostic(resourceUpdate, "update webhook endpoint "+id, err))
		return
	}

	plan.ID = state.ID
	plan.merge(*updated)
	// The update answer has no created_at and no secret: both keep their
	// state values (the plan already carries them). If it also lacks
	// updated_at, the state's value is the best known.
	plan.CreatedAt = state.CreatedAt
	plan.Secret, plan.EncryptedSecret = state.Secret, state.EncryptedSecret
	if state.SecretRecipients.IsNull() && !plan.SecretRecipients.IsNull() && isKnown(state.Secret) {
		// Recipients added: the secret in state moves out of it. If it
		// cannot, it stays, and so do the recipients the state had, so
		// that the next apply tries again.
		if diags := plan.encryptSecret(ctx, state.Secret.ValueString()); diags.HasError() {
			plan.Secret, plan.EncryptedSecret, plan.SecretRecipients = state.Secret, state.EncryptedSecret, state.SecretRecipients
			resp.Diagnostics.Append(diags...)
		}
	}
	if plan.UpdatedAt.IsUnknown() {
		plan.UpdatedAt = state.UpdatedAt
	}
	resp.Diagnostics.Append(saveState(ctx, &resp.State, resp.Identity, &plan)...)
}

func (r *webhookEndpointResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state, ok := r.priorState(ctx, req.State, &resp.Diagnostics)
	if !ok || r.refuseOtherMode(state.ID.ValueString(), state.Mode, &resp.Diagnostics) {
		return
	}
	ctx, cancel, ok := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()

	id := state.ID.ValueString()
	err := r.client.DeleteEndpoint(ctx, id)
	switch {
	case retivo.IsNotFound(err) && !isKnown(state.Mode):
		// Already gone, or of the other mode: a state written by an earlier
		// version does not say which. Terraform forgets it either way.
		resp.Diagnostics.AddWarning("Webhook endpoint not found", fmt.Sprintf("Retivo has no webhook endpoint "+
			"%s for the provider's API key, so it has been removed from the state as already deleted.", id)+
			otherModeHint(id, r.client.Mode(), "it is still on Retivo: delete it there with a key of its mode, "+
				"or import it again with a provider configured with one"))
	case err != nil && !retivo.IsNotFound(err): // already gone is what we wanted
		resp.Diagnostics.Append(apiErrorDiagnostic(resourceDelete, "delete webhook endpoint "+id, err))
	}
}

// ModifyPlan warns when a planned create would register an endpoint
// identical to one the account already holds: the receiver would get every
// event twice, or the existing one is a leftover of an interrupted or
// failed apply (its id and secret never reached a state). It looks at
// creates only, so an endpoint being replaced (create_before_destroy) is
// not taken for a duplicate of its replacement, and it keeps no record of
// other resources, so what it says does not depend on the order in which
// Terraform plans them.
func (r *webhookEndpointResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.client == nil {
		return
	}
	if !req.State.Raw.IsNull() {
		// A plan without refresh (-refresh=false) or a destroy plan reads
		// nothing: the endpoint's mode is checked here too.
		var id, mode types.String
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("id"), &id)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("mode"), &mode)...)
		if !r.refuseOtherMode(id.ValueString(), mode, &resp.Diagnostics) && !req.Plan.Raw.IsNull() {
			resp.Diagnostics.Append(planSecretMove(ctx, req, resp)...)
		}
		return
	}
	if req.Plan.Raw.IsNull() {
		return
	}
	// A new endpoint is of the key's mode, known now, and its secret goes
	// to encrypted_secret with recipients, to secret without.
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("mode"), r.client.Mode())...)
	var recipients types.Set
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("secret_recipients"), &recipients)...)
	switch {
	case recipients.IsNull():
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("encrypted_secret"), types.StringNull())...)
	case !recipients.IsUnknown():
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("secret"), types.StringNull())...)
	}
	var plan webhookEndpointResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !configurableKnown(req.Plan) {
		return
	}
	body, diags := createRequest(ctx, plan)
	if diags.HasError() {
		return
	}
	// A warning is not worth a long wait: the plan goes on without it.
	ctx, cancel := context.WithTimeout(ctx, duplicateCheckTimeout)
	defer cancel()
	snapshot, err := r.client.RecentEndpoints(ctx)
	if err != nil {
		return // the plan goes on; the apply reports a Retivo that cannot be reached
	}
	if ids := retivo.IdenticalEndpoints(snapshot.Endpoints, body, ""); len(ids) > 0 {
		// The url in the summary keeps Terraform from folding the warnings
		// of several resources into one, which would hide their ids.
		resp.Diagnostics.AddWarning("An identical webhook endpoint already exists for "+body.URL,
			fmt.Sprintf("This plan creates a webhook endpoint for %s, but Retivo already holds %d identical "+
				"endpoint(s) (same url, description, events and active): %s.\n\nIf no Terraform state holds one "+
				"(a leftover of an interrupted or failed apply), nobody knows its signing secret: delete it "+
				"through the Retivo API, or import it (terraform import, or an import block with its id) and "+
				"replace it to get a new secret. If another resource or workspace manages it, the receiver will "+
				"get every event twice.", body.URL, len(ids), strings.Join(ids, ", ")))
	}
}

// planSecretMove plans an update that adds secret_recipients to an
// endpoint whose secret is in state: the secret leaves the state, into
// encrypted_secret, in place.
func planSecretMove(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) diag.Diagnostics {
	var before, after types.Set
	var secret types.String
	diags := req.State.GetAttribute(ctx, path.Root("secret_recipients"), &before)
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("secret_recipients"), &after)...)
	diags.Append(req.State.GetAttribute(ctx, path.Root("secret"), &secret)...)
	if diags.HasError() || !before.IsNull() || after.IsNull() || !isKnown(secret) {
		return diags
	}
	if after.IsUnknown() {
		// Known only at apply: the secret moves out, or stays if the
		// recipients turn out null.
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("secret"), types.StringUnknown())...)
	} else {
		diags.Append(resp.Plan.SetAttribute(ctx, path.Root("secret"), types.StringNull())...)
	}
	diags.Append(resp.Plan.SetAttribute(ctx, path.Root("encrypted_secret"), types.StringUnknown())...)
	return diags
}

// recipientsChangeNeedsReplacement replaces an endpoint whose secret was
// encrypted when its recipients change or go: the plaintext is gone, so
// only a new endpoint has a secret for them. The same keys written
// otherwise (a trailing newline, another SSH comment) are no change.
func recipientsChangeNeedsReplacement(ctx context.Context, req planmodifier.SetRequest, resp *setplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.StateValue.IsNull() || req.PlanValue.Equal(req.StateValue) {
		return
	}
	var before, after []string
	resp.Diagnostics.Append(req.StateValue.ElementsAs(ctx, &before, false)...)
	if req.PlanValue.IsNull() || req.PlanValue.IsUnknown() || req.PlanValue.ElementsAs(ctx, &after, false).HasError() {
		resp.RequiresReplace = true // gone, or known only at apply
		return
	}
	resp.RequiresReplace = !sameRecipients(before, after)
}

// encryptSecret encrypts secret to m's recipients into encrypted_secret,
// and leaves secret null: the plaintext never reaches the state.
func (m *webhookEndpointResourceModel) encryptSecret(ctx context.Context, secret string) diag.Diagnostics {
	m.Secret, m.EncryptedSecret = types.StringNull(), types.StringNull()
	var recipients []string
	diags := m.SecretRecipients.ElementsAs(ctx, &recipients, false)
	if diags.HasError() {
		return diags
	}
	encrypted, err := encryptSecret(secret, recipients)
	if err != nil {
		diags.AddAttributeError(path.Root("secret_recipients"), "Signing secret not encrypted",
			fmt.Sprintf("Webhook endpoint %s's signing secret could not be encrypted to secret_recipients (%v), "+
				"so it is kept neither in state nor encrypted. Fix the recipients and replace the endpoint "+
				"to get a new secret: terraform apply -replace=<this resource's address>.", m.ID.ValueString(), err))
		return diags
	}
	m.EncryptedSecret = types.StringValue(encrypted)
	return diags
}

// configurableKnown reports whether every attribute a configuration can set
// (Required or Optional in the schema) is known in the plan, so that the
// request a create would send is known. The schema, not a list here, says
// which attributes those are.
func configurableKnown(plan tfsdk.Plan) bool {
	attrs := map[string]tftypes.Value{}
	if plan.Raw.As(&attrs) != nil {
		return false
	}
	for name, attribute := range plan.Schema.GetAttributes() {
		if (attribute.IsRequired() || attribute.IsOptional()) && !attrs[name].IsKnown() {
			return false
		}
	}
	return true
}

// ImportState takes the id from `terraform import`, an import block's id, or
// (Terraform 1.12+) an import block's identity. Read fills in the rest; the
// secret cannot be read back, so it stays null.
func (r *webhookEndpointResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if req.ID == "" && (req.Identity == nil || req.Identity.Raw.IsFullyNull()) {
		resp.Diagnostics.AddError("Missing endpoint id", "Import a webhook endpoint by its Retivo id, such as we_0123456789abcdef01234567.")
		return
	}
	id := req.ID
	if id == "" {
		var identity webhookEndpointIdentity
		resp.Diagnostics.Append(req.Identity.Get(ctx, &identity)...)
		id = identity.ID.ValueString()
	}
	if problem := invalidIDDiagnostic(id); problem != "" {
		resp.Diagnostics.AddError("Invalid webhook endpoint id", problem)
		return
	}
	if !r.importable(ctx, id, &resp.Diagnostics) {
		return
	}
	resource.ImportStatePassthroughWithIdentity(ctx, path.Root("id"), path.Root("id"), req, resp)
	resp.Diagnostics.AddWarning("Signing secret not imported", importedSecretWarning)
}

// importable reports whether the key sees endpoint id, and says what is
// wrong when it does not: Terraform's own "Cannot import non-existent remote
// object" cannot say that a key of the other mode does not see it.
func (r *webhookEndpointResource) importable(ctx context.Context, id string, diags *diag.Diagnostics) bool {
	if r.client == nil {
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, defaultReadTimeout)
	defer cancel()
	lookup, err := r.client.FindEndpoint(ctx, id)
	switch {
	case err != nil:
		diags.Append(apiErrorDiagnostic(resourceRead, "import webhook endpoint "+id, err))
	case !lookup.Found:
		diags.AddError("Webhook endpoint not found", fmt.Sprintf("Retivo has no webhook endpoint %s that the "+
			"provider's API key can see: check the id, and that the key belongs to the endpoint's account.", id)+
			otherModeHint(id, r.client.Mode(), "import it with a provider configured with such a key (an aliased "+
				"provider block, and provider = retivo.<alias> in the resource)"))
	}
	return err == nil && lookup.Found
}

// importedSecretWarning tells, at import time, what the docs say: the secret
// cannot be read back, and how to get one Terraform knows.
const importedSecretWarning = "Retivo returns an endpoint's signing secret only when the endpoint is created, " +
	"so after an import the secret attribute is null (terraform output -raw prints an empty string for it); " +
	"receivers keep verifying deliveries with the secret they already have.\n\n" +
	"To have Terraform hold a secret, replace the endpoint: add\n\n" +
	"  lifecycle {\n    create_before_destroy = true\n  }\n\n" +
	"to the resource, then run terraform apply -replace=<the resource's address>. The new endpoint, with a new id " +
	"and secret, is created before the old one is deleted; let receivers accept both secrets until the switch is done."

func createRequest(ctx context.Context, plan webhookEndpointResourceModel) (retivo.CreateEndpointRequest, diag.Diagnostics) {
	events, diags := eventNames(ctx, plan.SubscribedEvents)
	return retivo.CreateEndpointRequest{
		URL:              plan.URL.ValueString(),
		Description:      retivo.String(plan.Description.ValueString()),
		SubscribedEvents: retivo.Strings(events),
		Active:           retivo.Bool(plan.Active.ValueBool()),
	}, diags
}

// updateRequest sends every managed field, cleared ones as explicit empty
// values, so the result is the plan whether the server merges or replaces.
func updateRequest(ctx context.Context, plan webhookEndpointResourceModel) (retivo.UpdateEndpointRequest, diag.Diagnostics) {
	fields, diags := createRequest(ctx, plan)
	return retivo.UpdateEndpointRequest{
		URL:              &fields.URL,
		Description:      fields.Description,
		SubscribedEvents: fields.SubscribedEvents,
		Active:           fields.Active,
	}, diags
}

// saveState settles what no answer did (resolveUnknowns) and records the
// state and the identity.
func saveState(ctx context.Context, state *tfsdk.State, identity *tfsdk.ResourceIdentity, m *webhookEndpointResourceModel) diag.Diagnostics {
	resolveUnknowns(m)
	diags := state.Set(ctx, m)
	diags.Append(setIdentity(ctx, identity, m.ID)...)
	return diags
}

// resolveUnknowns makes sure no computed value is left unknown after apply:
// whatever the server's answers did not settle becomes null.
func resolveUnknowns(m *webhookEndpointResourceModel) {
	for _, s := range []*types.String{&m.ID, &m.URL, &m.Description, &m.CreatedAt, &m.UpdatedAt, &m.Mode, &m.Secret, &m.EncryptedSecret} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
	}
	for _, set := range []*types.Set{&m.SubscribedEvents, &m.SecretRecipients} {
		if set.IsUnknown() {
			*set = types.SetNull(types.StringType)
		}
	}
	if m.Active.IsUnknown() {
		m.Active = types.BoolNull()
	}
}

// priorState reads the state Terraform holds, and makes the client mask its
// secret in every text it returns from now on: an error body that quotes it
// must not show it, even in a process that did not create the endpoint.
func (r *webhookEndpointResource) priorState(ctx context.Context, from tfsdk.State, diags *diag.Diagnostics) (webhookEndpointResourceModel, bool) {
	var state webhookEndpointResourceModel
	diags.Append(from.Get(ctx, &state)...)
	if diags.HasError() {
		return state, false
	}
	if r.client != nil && isKnown(state.Secret) {
		r.client.MaskSecret(state.Secret.ValueString())
	}
	return state, true
}

// refuseOtherMode reports an endpoint whose state says it is of the other
// mode than the client's key, and returns whether it did: a key of the
// other mode cannot see it, so a read would take it for deleted and plan a
// new endpoint in the other mode, orphaning this one and its secret. A state
// that does not know the mode (written by an earlier version) passes.
func (r *webhookEndpointResource) refuseOtherMode(id string, stateMode types.String, diags *diag.Diagnostics) bool {
	if r.client == nil || !isKnown(stateMode) || stateMode.ValueString() == r.client.Mode() {
		return false
	}
	diags.Append(otherModeDiagnostic(id, stateMode.ValueString(), r.client.Mode()))
	return true
}

// otherModeDiagnostic is the error for an endpoint of mode met with a key
// of keyMode: what happened, and the ways out.
func otherModeDiagnostic(id, mode, keyMode string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Webhook endpoint of the other mode than the API key",
		fmt.Sprintf("Webhook endpoint %[1]s was made in %[2]s mode (its state says mode = %[2]q), but the "+
			"provider's API key is a %[3]s-mode key (%[4]s…). A %[3]s-mode key cannot see %[2]s-mode endpoints, "+
			"so Terraform would take this one for deleted and plan a new %[3]s-mode endpoint, leaving this one "+
			"and its secret behind. Nothing has been sent to Retivo for this endpoint.\n\n"+
			"If the key is a mix-up (a CI variable, say), switch back to a %[2]s-mode key (%[5]s…).\n\n"+
			"To move this configuration to %[3]s mode, first hand the %[2]s-mode endpoints over with the %[2]s-mode "+
			"key: a removed block (lifecycle { destroy = false } keeps the endpoint on Retivo, destroy = true "+
			"deletes it) or terraform state rm; then apply with the %[3]s-mode key, which creates new endpoints "+
			"with new secrets. See \"Moving from test mode to live mode\" in the retivo_webhook_endpoint docs.",
			id, mode, keyMode, keyPrefix(keyMode), keyPrefix(mode)))
}

// unknownModeKey is the key's mode when the state does not know the
// endpoint's mode, else "".
func (r *webhookEndpointResource) unknownModeKey(stateMode types.String) string {
	if isKnown(stateMode) {
		return ""
	}
	return r.client.Mode()
}

// otherMode is the mode that is not mode.
func otherMode(mode string) string {
	if mode == retivo.ModeLive {
		return retivo.ModeTest
	}
	return retivo.ModeLive
}

// clientFrom takes the client the provider configured.
func clientFrom(data any, diags *diag.Diagnostics) *retivo.Client {
	if data == nil {
		return nil // the provider is not configured yet (e.g. during validate)
	}
	client, ok := data.(*retivo.Client)
	if !ok {
		diags.AddError("Unexpected provider data", fmt.Sprintf("Expected *retivo.Client, got %T. This is a bug in the provider.", data))
	}
	return client
}
