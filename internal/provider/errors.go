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
		return "Cancelled", fmt.Sprintf("Could not %s: the operation was cancelled.", action)
	}
	apiErr, ok := retivo.AsError(err)
	if !ok {
		return "Retivo request failed", fmt.Sprintf("Could not %s: %v", action, err)
	}
	server := apiErr.Message
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
	case retivo.KindWrongBaseURL:
		return "Wrong Retivo base URL", fmt.Sprintf("Could not %s: %v\n\nThis 404 is not about a webhook "+
			"endpoint: the base URL does not point at the Retivo API. Set base_url in the provider block (or the "+
			"%s environment variable) to the API root, which ends in /api: %s for Retivo, or "+
			"http://127.0.0.1:PORT/api for the local server.", action, err, EnvBaseURL, retivo.DefaultBaseURL)
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
