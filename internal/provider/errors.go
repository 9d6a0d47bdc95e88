package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// apiErrorDiagnostic turns a client error into a diagnostic that says what
// went wrong and what to do. action completes "Could not ...", e.g.
// "create the webhook endpoint". The client has already masked the API key
// and webhook secrets in every text it returns.
func apiErrorDiagnostic(action string, err error) diag.Diagnostic {
	summary, detail := describeAPIError(action, err)
	return diag.NewErrorDiagnostic(summary, detail)
}

func describeAPIError(action string, err error) (string, string) {
	if errors.Is(err, context.DeadlineExceeded) {
		return "Timed out", fmt.Sprintf("Could not %s before the deadline: %v. If Retivo is slow or rate "+
			"limiting, raise the matching value in the resource's timeouts block.", action, err)
	}
	if errors.Is(err, context.Canceled) {
		detail := fmt.Sprintf("Could not %s: the operation was cancelled.", action)
		if apiErr, ok := retivo.AsError(err); ok && apiErr.MayHaveCommitted {
			detail += " The request had already been sent, so Retivo may have created the endpoint without " +
				"Terraform learning its id and secret. The next plan warns about an endpoint identical to a " +
				"planned one: import it, or delete it through the Retivo API."
		}
		return "Cancelled", detail
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
			"Check the api_key attribute of the provider or the %s environment variable. Keys starting with "+
			"rt_test_ only see test-mode endpoints and keys starting with rt_live_ only live ones; make sure the "+
			"key belongs to the mode and account the endpoint lives in, and that it has not been revoked.",
			action, apiErr.StatusCode, server, EnvAPIKey)
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
	case retivo.KindValidation:
		return "Retivo rejected the request", fmt.Sprintf("Could not %s: Retivo answered %d: %s\n\n"+
			"Change the configuration so that it satisfies this rule.", action, apiErr.StatusCode, server)
	case retivo.KindRateLimited:
		return "Retivo rate limit", fmt.Sprintf("Could not %s: Retivo still answered 429 Too Many Requests "+
			"after the retry budget was spent (%v).\n\nRun again later, apply with a lower -parallelism, or "+
			"raise max_retries / max_retry_wait in the provider block.", action, err)
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

// addLeftOutWarning says how many endpoints of a list answer were left out
// because their id breaks the id rule: they cannot be read, changed or
// deleted through this provider.
func addLeftOutWarning(snapshot *retivo.Snapshot, diags *diag.Diagnostics) {
	if snapshot.LeftOut == 0 {
		return
	}
	diags.AddWarning("Webhook endpoints with unusable ids left out",
		fmt.Sprintf("Retivo's list answer held %d endpoint(s) whose id is not a valid endpoint id (printable "+
			"ASCII without whitespace, '/', '\\', '?', '#' or '%%', at most %d characters, not \".\" or \"..\"). "+
			"They are left out of every result: this provider never sends such an id. Report it to Retivo support.",
			snapshot.LeftOut, retivo.MaxIDLength))
}
