package provider

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// Limits the Retivo API enforces, checked at validate time so that a bad
// configuration fails before any request.
const (
	maxURLLength         = 2048
	maxDescriptionLength = 1024
	maxEventNameLength   = 128
	maxEvents            = 100
)

// urlValidators check that a string is an absolute http or https URL.
func urlValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthAtMost(maxURLLength),
		httpURLValidator{},
	}
}

// eventValidators check a set of event names.
func eventValidators() []validator.Set {
	return []validator.Set{
		setvalidator.SizeAtMost(maxEvents),
		setvalidator.ValueStringsAre(eventNameValidator{}),
	}
}

// eventNameValidator checks one event name and reports at most one error
// for it: an empty name is one mistake, not a length error plus a pattern
// error that ends in a blank value.
type eventNameValidator struct{}

func (eventNameValidator) Description(context.Context) string {
	return fmt.Sprintf("value must be an event name such as \"order.created\": non-empty, without whitespace, "+
		"at most %d characters", maxEventNameLength)
}

func (v eventNameValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (eventNameValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := checkEventName(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid event name", problem)
	}
}

func checkEventName(name string) string {
	switch n := utf8.RuneCountInString(name); {
	case name == "":
		return `subscribed_events contains an empty string, but event names are non-empty, such as "order.created": ` +
			`remove the "" element.`
	case strings.IndexFunc(name, unicode.IsSpace) >= 0:
		return fmt.Sprintf(`The event name %q contains whitespace; event names have none, such as "order.created".`, name)
	case n > maxEventNameLength:
		return fmt.Sprintf("The event name %q is %d characters long, at most %d are allowed.",
			string([]rune(name)[:32])+"…", n, maxEventNameLength)
	}
	return ""
}

type httpURLValidator struct{}

func (httpURLValidator) Description(context.Context) string {
	return "value must be an absolute http or https URL, such as https://example.com/webhooks"
}

func (v httpURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v httpURLValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if problem := checkHTTPURL(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid URL",
			fmt.Sprintf("%q %s; %s.", req.ConfigValue.ValueString(), problem, v.Description(ctx)))
	}
}

func checkHTTPURL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return "is empty"
	case err != nil:
		return "cannot be parsed as a URL"
	case u.Scheme != "http" && u.Scheme != "https":
		return "does not start with http:// or https://"
	case u.Hostname() == "":
		return "has no host"
	case u.Port() != "":
		// url.Parse checks that a port is digits, not that it is one.
		if port, err := strconv.Atoi(u.Port()); err != nil || port < 1 || port > 65535 {
			return fmt.Sprintf("has port %s, outside 1-65535", u.Port())
		}
	}
	return ""
}

// endpointToTestDescription describes the endpoint_id of the action and of
// the data source that send an endpoint a test event.
const endpointToTestDescription = "The id of the endpoint to test, such as `retivo_webhook_endpoint.orders.id`."

// endpointIDValidator applies the client's one id rule (retivo.CheckID) at
// validate time, quoting at most an excerpt of a bad id.
type endpointIDValidator struct{}

func (endpointIDValidator) Description(context.Context) string {
	return fmt.Sprintf("value must be a Retivo webhook endpoint id: 1 to %d characters of %s, such as "+
		"we_0123456789abcdef01234567", retivo.MaxIDLength, retivo.IDCharacters)
}

func (v endpointIDValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v endpointIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if diag := invalidIDDiagnostic(req.ConfigValue.ValueString()); diag != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid webhook endpoint id", diag)
	}
}

// invalidIDDiagnostic explains why id breaks the id rule, or is empty.
func invalidIDDiagnostic(id string) string {
	err := retivo.CheckID(id)
	if err == nil {
		return ""
	}
	return "Not a Retivo webhook endpoint id: " + strings.TrimPrefix(err.Error(), retivo.ErrInvalidID.Error()+": ") +
		". Use the id of an endpoint, such as retivo_webhook_endpoint.example.id."
}
