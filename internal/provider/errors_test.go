package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// A timeout names the setting that bounds that kind of caller.
func TestDescribeAPIError_timeoutNamesTheSetting(t *testing.T) {
	t.Parallel()
	timedOut := &retivo.Error{Method: "GET", Path: "/webhooks/endpoints", Err: context.DeadlineExceeded}
	tests := map[callerKind][]string{
		resourceCreate: {`timeouts { create = "10m" }`, "default 5m0s"},
		resourceRead:   {`timeouts { read = "10m" }`, "default 2m0s"},
		resourceUpdate: {`timeouts { update = "10m" }`},
		resourceDelete: {`timeouts { delete = "10m" }`},
		dataSourceRead: {`timeouts { read = "10m" }`, "data source's timeouts block", "default 5m0s"},
		listQuery:      {"list resource of terraform query has no timeouts setting", "fixed 5m0s"},
		functionCall:   {"timeout of the function's second argument", "default 1m0s", `{ timeout = "2m" }`, EnvMaxRetries, EnvMaxRetryWait},
		actionInvoke:   {"Actions have no timeouts setting", "fixed 5m0s", "rate-limit waits included"},
	}
	for kind, wants := range tests {
		t.Run(fmt.Sprint(kind), func(t *testing.T) {
			summary, detail := describeAPIError(kind, "read webhook endpoint we_1", timedOut)
			if summary != "Timed out" {
				t.Errorf("summary %q", summary)
			}
			for _, want := range wants {
				if !strings.Contains(detail, want) {
					t.Errorf("detail does not say %q:\n%s", want, detail)
				}
			}
		})
	}
}

// An apply cancelled while a create was on its way says that the endpoint
// may exist; a cancel before anything was sent does not.
func TestDescribeAPIError_cancelledCreateNamesItsLeftovers(t *testing.T) {
	t.Parallel()
	sent := &retivo.LeftoverError{Err: &retivo.Error{Method: "POST", Path: "/webhooks/endpoints", Err: context.Canceled,
		MayHaveCommitted: true}, UnknownAttempts: 1, Leftovers: []string{"we_left"}}
	summary, detail := describeAPIError(resourceCreate, "create the webhook endpoint", sent)
	if summary != "Cancelled" || !strings.Contains(detail, "we_left") || !strings.Contains(detail, "import them") {
		t.Errorf("a cancel after the create was sent: %s: %s", summary, detail)
	}
	notSent := &retivo.Error{Method: "POST", Path: "/webhooks/endpoints", Err: context.Canceled}
	if _, detail := describeAPIError(resourceCreate, "create the webhook endpoint", notSent); strings.Contains(detail, "attempt") {
		t.Errorf("a cancel before anything was sent: %s", detail)
	}
}

// Where to fix a setting is named for the kind of caller: a function cannot
// see the provider block, so its advice points at its options argument.
func TestDescribeAPIError_settingsNamedForTheCaller(t *testing.T) {
	t.Parallel()
	wrongBase := &retivo.Error{Method: "GET", Path: "/webhooks/endpoints", StatusCode: 404, NotJSON: true}
	unauthorized := &retivo.Error{Method: "GET", Path: "/webhooks/endpoints", StatusCode: 401}
	rateLimited := &retivo.Error{Method: "GET", Path: "/webhooks/endpoints", StatusCode: 429}
	tests := []struct {
		caller      callerKind
		err         *retivo.Error
		want, never string
	}{
		{dataSourceRead, wrongBase, "base_url in the provider block", "second argument"},
		{functionCall, wrongBase, "base_url of the function's second argument", "provider block"},
		{dataSourceRead, unauthorized, "api_key attribute of the provider", "second argument"},
		{functionCall, unauthorized, "api_key of the function's second argument", "api_key attribute"},
		{resourceRead, rateLimited, "max_requests_per_second in the provider block", EnvMaxRequestsPerSecond},
		{functionCall, rateLimited, EnvMaxRequestsPerSecond + " environment variable", "provider block."},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d/%d", tc.caller, tc.err.StatusCode), func(t *testing.T) {
			_, detail := describeAPIError(tc.caller, "list webhook endpoints", tc.err)
			if !strings.Contains(detail, tc.want) || strings.Contains(detail, tc.never) {
				t.Errorf("detail should say %q and never %q:\n%s", tc.want, tc.never, detail)
			}
		})
	}
}

// A rate limit that outlasts the caller's deadline is named as one, with
// the deadline's setting and the request rate cap.
func TestDescribeAPIError_rateLimitUntilTheDeadline(t *testing.T) {
	t.Parallel()
	limited := &retivo.Error{Method: "POST", Path: "/webhooks/endpoints", StatusCode: 429,
		Err: fmt.Errorf("%w while waiting out the rate limit (40 attempts over 5m0s)", context.DeadlineExceeded)}
	summary, detail := describeAPIError(resourceCreate, "create the webhook endpoint", limited)
	for _, want := range []string{"429 Too Many Requests", `timeouts { create = "10m" }`, "max_requests_per_second in the provider block"} {
		if summary != "Retivo rate limit" || !strings.Contains(detail, want) {
			t.Errorf("%s: detail does not say %q:\n%s", summary, want, detail)
		}
	}
}
