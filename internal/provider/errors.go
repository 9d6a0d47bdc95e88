package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// callerKind is who made a call, so that a failure names the settings that
// govern that caller.
type callerKind int

const (
	resourceCreate callerKind = iota
	resourceRead
	resourceUpdate
	resourceDelete
	dataSourceRead
	listQuery
	functionCall
	actionInvoke
)

// timeoutSetting says what bounds the caller's calls and how to change it.
func (k callerKind) timeoutSetting() string {
	fixed := func(who string) string {
		return fmt.Sprintf("%s no timeouts setting: each call is bounded by the provider's fixed %s, retries "+
			"and rate-limit waits included. If Retivo is slow or rate limiting, run again later.", who, defaultCallTimeout)
	}
	operation := func(name string, def time.Duration) string {
		return fmt.Sprintf("The bound is the %[1]s value of the resource's timeouts block (default %[2]s), retries "+
			"included. If Retivo is slow or rate limiting, raise it, such as timeouts { %[1]s = \"10m\" }.", name, def)
	}
	switch k {
	case resourceCreate:
		return operation("create", defaultCreateTimeout)
	case resourceRead:
		return operation("read", defaultReadTimeout)
	case resourceUpdate:
		return operation("update", defaultUpdateTimeout)
	case resourceDelete:
		return operation("delete", defaultDeleteTimeout)
	case dataSourceRead:
		return fmt.Sprintf("The bound is the read value of the data source's timeouts block (default %s), retries "+
			"included. If Retivo is slow or rate limiting, raise it, such as timeouts { read = \"10m\" }.", defaultCallTimeout)
	case listQuery:
		return fixed("The list resource of terraform query has")
	case functionCall:
		return fmt.Sprintf("The bound is the timeout of the function's second argument (default %s, at most %s), "+
			"retries included, such as { timeout = \"2m\" }. If Retivo is slow or rate limiting, raise it, or "+
			"lower %s.", defaultFunctionTimeout, maxFunctionTimeout, k.settings().retrySettings)
	default:
		return fixed("Actions have")
	}
}

// settings is where the caller's settings come from: the function's options
// argument for the function, the provider block for everyone else.
func (k callerKind) settings() settingsOrigin {
	if k == functionCall {
		return functionArgument
	}
	return providerBlock
}

// apiErrorDiagnostic turns a client error into a diagnostic that says what
// went wrong and what to do. action completes "Could not ...", e.g.
// "create the webhook endpoint". The client has already masked the API key
// and webhook secrets in every text it returns.
// otherModeHint is what to add to a "not found" for an endpoint whose
// mode the caller cannot know (an id): a key of keyMode cannot see the
// endpoints of the other mode, and what to do if it is one of them.
func otherModeHint(id, keyMode, howToSwitch string) string {
	other := otherMode(keyMode)
	return fmt.Sprintf("\n\nThe API key is a %s-mode key (%s…), which cannot see %s-mode endpoints. If endpoint %s "+
		"was made with a %s-mode key (%s…), %s.", keyMode, keyPrefix(keyMode), other, id, other, keyPrefix(other),
		howToSwitch)
}

// describeTestCallError describes a failed test call of endpoint id with a
// key of keyMode ("" when the endpoint's mode is known to be the key's): a
// 404 may mean an endpoint of the other mode, and howToSwitch says how to
// test one.
func describeTestCallError(caller callerKind, id, keyMode, howToSwitch string, err error) (summary, detail string) {
	summary, detail = describeAPIError(caller, "test webhook endpoint "+id, err)
	if keyMode != "" && retivo.IsNotFound(err) {
		detail += otherModeHint(id, keyMode, howToSwitch)
	}
	return summary, detail
}

// testCallError is describeTestCallError as a diagnostic.
func testCallError(caller callerKind, id, keyMode, howToSwitch string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(describeTestCallError(caller, id, keyMode, howToSwitch, err))
}

func apiErrorDiagnostic(caller callerKind, action string, err error) diag.Diagnostic {
	summary, detail := describeAPIError(caller, action, err)
	return diag.NewErrorDiagnostic(summary, detail)
}

func describeAPIError(caller callerKind, action string, err error) (string, string) {
	var leftover *retivo.LeftoverError
	if errors.As(err, &leftover) {
		summary, detail := describeAPIError(caller, action, leftover.Err)
		return summary, fmt.Sprintf("%s\n\n%d attempt(s) to create the endpoint got no usable answer and may have "+
			"registered it anyway. %s.", detail, leftover.UnknownAttempts,
			describeLeftovers(leftover.Leftovers, leftover.LookupErr))
	}
	if errors.Is(err, context.DeadlineExceeded) && retivo.KindOf(err) == retivo.KindRateLimited {
		return "Retivo rate limit", fmt.Sprintf("Could not %s before the deadline: %v.\n\n%s\n\n%s", action, err,
			rateLimitAdvice(caller), caller.timeoutSetting())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Timed out", fmt.Sprintf("Could not %s before the deadline: %v.\n\n%s", action, err, caller.timeoutSetting())
	}
	if errors.Is(err, context.Canceled) {
		detail := fmt.Sprintf("Could not %s: the operation was cancelled.", action)
		return "Cancelled", detail
	}
	if errors.Is(err, retivo.ErrAnswerTooLarge) {
		return "Retivo's answer is too large", fmt.Sprintf("Could not %s: %v\n\nThe provider reads at most "+
			"%d MiB of any answer, so that the size of an account cannot exhaust memory. A list of webhook "+
			"endpoints that large holds tens of thousands of endpoints (about 70,000 with short URLs and "+
			"descriptions): delete the endpoints nobody uses through the Retivo API.", action, err,
			retivo.DefaultMaxResponseBytes>>20)
	}
	if errors.Is(err, retivo.ErrAnswerMismatch) {
		return "Retivo's answer does not match the request", fmt.Sprintf("Could not %s: %v\n\nThe provider "+
			"takes nothing from such an answer into the state; the refresh of the next plan reads the endpoints "+
			"afresh. Check that base_url points at the Retivo API, and report the answer to Retivo: while it "+
			"answers creates this way, every apply may leave one more endpoint, as named here.", action, err)
	}
	if errors.Is(err, retivo.ErrPartialList) {
		return "Retivo returned part of the list", fmt.Sprintf("Could not %s: %v\n\nThe provider stops rather "+
			"than take the endpoints it was not shown for deleted, which would recreate them. Report this answer "+
			"to Retivo, or use a provider version that reads paged lists.", action, err)
	}
	apiErr, ok := retivo.AsError(err)
	if !ok {
		return "Retivo request failed", fmt.Sprintf("Could not %s: %v", action, err)
	}
	server := apiErr.ServerMessage()
	if server == "" {
		server = "(no message)"
	}
	switch apiErr.Kind() {
	case retivo.KindUnauthorized:
		return "Retivo rejected the API key", fmt.Sprintf("Could not %s: Retivo answered %d: %s\n\n"+
			"Check %s. Keys starting with rt_test_ only see test-mode endpoints and keys starting with rt_live_ "+
			"only live ones; make sure the key belongs to the mode and account the endpoint lives in, and that it "+
			"has not been revoked.", action, apiErr.StatusCode, server, caller.settings().keySetting)
	case retivo.KindPlanLimit:
		upgrade := "a higher plan"
		if apiErr.UpgradeTo != "" {
			upgrade = fmt.Sprintf("the %q plan", apiErr.UpgradeTo)
		}
		return "Retivo plan limit reached", fmt.Sprintf("Could not %s: Retivo answered %d: %s\n\n"+
			"Your Retivo plan does not allow this. Upgrade to %s, or remove endpoints you no longer need.",
			action, apiErr.StatusCode, server, upgrade)
	case retivo.KindNotFound:
		return "Webhook endpoint not found", fmt.Sprintf("Could not %s: Retivo answered %d: %s",
			action, apiErr.StatusCode, server)
	case retivo.KindWrongBaseURL:
		return "Wrong Retivo base URL", fmt.Sprintf("Could not %s: %v\n\nThis 404 is not about a webhook "+
			"endpoint: the base URL does not point at the Retivo API. Set %s to the API root, which ends in /api: "+
			"%s for Retivo, or http://127.0.0.1:PORT/api for the local server.", action, err,
			caller.settings().baseURLSetting, retivo.DefaultBaseURL)
	case retivo.KindValidation:
		return "Retivo rejected the request", fmt.Sprintf("Could not %s: Retivo answered %d: %s\n\n"+
			"Change the configuration so that it satisfies this rule.", action, apiErr.StatusCode, server)
	case retivo.KindRateLimited:
		return "Retivo rate limit", fmt.Sprintf("Could not %s: %v\n\n%s", action, err, rateLimitAdvice(caller))
	case retivo.KindServerFault:
		return "Retivo server error", fmt.Sprintf("Could not %s: %v\n\nThis is a fault on Retivo's side or "+
			"a proxy in between; run again later.", action, err)
	case retivo.KindMalformedResponse:
		return "Unexpected answer from Retivo", fmt.Sprintf("Could not %s: %v\n\nCheck that base_url "+
			"points at the Retivo API.", action, err)
	case retivo.KindTransport:
		return "Could not reach Retivo", fmt.Sprintf("Could not %s: %v\n\nCheck base_url, your network "+
			"and any proxy.", action, err)
	default:
		return "Retivo request failed", fmt.Sprintf("Could not %s: %v", action, err)
	}
}

// describeLeftovers says, in sentences for a diagnostic, which endpoints a
// create's attempts with an unknown outcome may have left, and what to do.
func describeLeftovers(ids []string, lookupErr error) string {
	switch {
	case lookupErr != nil:
		return fmt.Sprintf("Looking for endpoints they may have left failed (%v); the next plan names any "+
			"endpoint identical to a configured one that is not in the state", lookupErr)
	case len(ids) == 0:
		return "None is on Retivo now; if one appears later, the next plan names it"
	}
	return fmt.Sprintf("Retivo now holds identical endpoint(s) that no earlier list showed: %s. Nobody knows "+
		"their signing secret: delete them through the Retivo API, or import them and replace them to get a new "+
		"secret. Another program creating an identical endpoint at the same moment would be named too, so they "+
		"were not deleted", strings.Join(ids, ", "))
}

// rateLimitAdvice explains a rate limit that outlasted the caller.
func rateLimitAdvice(caller callerKind) string {
	return "Retivo was still answering 429 Too Many Requests: the account's rate limit is shared by everything " +
		"that uses it, and the provider waits it out (slowing its own requests) until the deadline. Run again " +
		"later, apply with a lower -parallelism, raise the deadline, or cap this configuration's share with " +
		caller.settings().rateSetting + "."
}

// addLeftOutWarning says how many endpoints of a list answer were left out
// because their id breaks the id rule: they cannot be read, changed or
// deleted through this provider.
func addLeftOutWarning(snapshot *retivo.Snapshot, diags *diag.Diagnostics) {
	if snapshot.LeftOut == 0 {
		return
	}
	diags.AddWarning("Webhook endpoints with unusable ids left out",
		fmt.Sprintf("Retivo's list answer held %d endpoint(s) whose id is not a valid endpoint id (%s, "+
			"at most %d characters, not \".\" or \"..\"). They are left out of every result: this provider never "+
			"sends such an id. Report it to Retivo support.", snapshot.LeftOut, retivo.IDCharacters, retivo.MaxIDLength))
}
