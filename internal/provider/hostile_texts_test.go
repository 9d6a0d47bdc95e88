package provider_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// terminalAttack is what a hostile receiver puts in its status text: ESC
// sequences that clear the screen, set the window title and write the
// clipboard (OSC 52), NUL, DEL, a C1 CSI, CR and a fake "Apply complete!"
// line, and bidi overrides that reorder what is shown.
const terminalAttack = "Teapot\x1b[2J\x1b]0;owned\x07\x1b]52;c;ZWNobyBvd25lZA==\x07\x00\x7f\u009b31m" +
	"\r\nApply complete! Resources: 0 added.\u202egnp.exe\u202c\u2066x\u2069"

// hostileTestAnswer is a test answer whose receiver texts carry
// terminalAttack.
func hostileTestAnswer(t *testing.T, success bool) string {
	t.Helper()
	status := 418
	if success {
		status = 200
	}
	data, err := json.Marshal(map[string]any{"test": map[string]any{
		"success": success, "status": status, "status_text": terminalAttack, "error": "refused: " + terminalAttack,
	}})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// unsafeRune is the first character of text that can drive a terminal or
// reorder text (C0 but the newline, DEL, C1, bidi controls), if any.
func unsafeRune(text string) (rune, bool) {
	for _, r := range text {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) || r == 0x061c || r == 0x200e || r == 0x200f ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return r, true
		}
	}
	return 0, false
}

func assertNoUnsafeRune(t *testing.T, what, text string) {
	t.Helper()
	if r, found := unsafeRune(text); found {
		t.Errorf("%s holds %U: %q", what, r, text)
	}
}

// The action's progress messages and diagnostics show a receiver's texts
// without control or bidi characters (Terraform 1.14 prints both as they
// are), on success, failure and report_only.
func TestWebhookEndpointTestAction_receiverTextsCleaned(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteTest, Status: 200, Body: hostileTestAnswer(t, true), Times: 1})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteTest, Status: 200, Body: hostileTestAnswer(t, false)})
	h := newProtocolHarness(t, env)
	actionTypeSchema := h.schema.ActionSchemas[actionType].Schema.ValueType()
	for _, run := range []struct {
		name       string
		reportOnly bool
	}{{"delivered", false}, {"failed", false}, {"failed, report_only", true}} {
		config := h.value(actionTypeSchema, map[string]tftypes.Value{
			"endpoint_id": tftypes.NewValue(tftypes.String, "we_hostile"),
			"report_only": tftypes.NewValue(tftypes.Bool, run.reportOnly),
		})
		stream, err := h.server.InvokeAction(h.ctx, &tfprotov6.InvokeActionRequest{ActionType: actionType, Config: config})
		if err != nil {
			t.Fatal(err)
		}
		var shown []string
		for event := range stream.Events {
			switch e := event.Type.(type) {
			case tfprotov6.ProgressInvokeActionEventType:
				shown = append(shown, "progress: "+e.Message)
			case tfprotov6.CompletedInvokeActionEventType:
				for _, d := range e.Diagnostics {
					shown = append(shown, "diagnostic: "+d.Summary+": "+d.Detail)
				}
			}
		}
		all := strings.Join(shown, "\n")
		assertNoUnsafeRune(t, run.name, all)
		if !strings.Contains(all, "Teapot") || (run.name != "delivered" && !strings.Contains(all, "refused: Teapot")) {
			t.Errorf("%s: the receiver's text is not shown:\n%s", run.name, all)
		}
	}
}

// On the Terraform CLI: a receiver's status text and error with control
// characters reach neither the function's result as Terraform shows it nor a
// check block's message that quotes it.
func TestAccTestWebhookEndpointFunction_receiverTextsCleaned(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteTest, Status: 200, Body: hostileTestAnswer(t, false)})
	cli := acctest.NewCLI(t, env.Config(`
locals {
  result = `+withCredentials(env, `"we_hostile"`)+`
}

output "result" {
  value = local.result
}

check "delivery" {
  assert {
    condition     = local.result.success
    error_message = "delivery failed: ${local.result.status_text} (${local.result.error})"
  }
}
`))
	out, err := cli.Apply(t)
	if err != nil {
		t.Fatalf("apply: %v\n%s", err, out)
	}
	assertNoUnsafeRune(t, "terraform's output", out)
	if !strings.Contains(out, "delivery failed: Teapot") || !strings.Contains(out, `"refused: Teapot`) {
		t.Errorf("the receiver's texts are not shown:\n%s", out)
	}
}

// Made-up secrets of shapes no prefix rule knows, as a server fault might
// dump them; the provider was never told any of them.
var dumpedSecrets = []string{
	"9f86d081884c7d659a2feaa0c55ad015",
	"sk_9xQ2LmZ7vT4pR8nW3kY6bH1cJ5dF0gA=",
	"hVbQxKpLwTzRmNcYgFdJsEaU",
}

// tracePlan runs terraform plan with TRACE logging and returns its output
// and the log. The CLI must start its own provider processes
// (acctest.NewDevOverridesCLI), whose logs go to the log file like a user's.
func tracePlan(t *testing.T, cli *acctest.CLI) (string, string, error) {
	t.Helper()
	logPath := filepath.Join(t.TempDir(), "trace.log")
	cli.TraceLog(logPath)
	defer cli.TraceLog("")
	out, _, err := cli.Plan(t)
	logs, readErr := os.ReadFile(logPath)
	if readErr != nil {
		t.Fatal(readErr)
	}
	return out, string(logs), err
}

// A list 500 whose body dumps secrets (JSON or not) shows none of them, in
// terraform's output or its TRACE log, while the rest of its text stays.
func TestAccWebhookEndpointsDataSource_serverFaultSecretsNeverShown(t *testing.T) {
	t.Parallel()
	dump := "replica lag while listing: " + strings.Join(dumpedSecrets, " ")
	for name, fault := range map[string]localserver.Fault{
		"JSON":     {Route: localserver.RouteList, Status: 500, Body: `{"error": "` + dump + `"}`},
		"not JSON": {Route: localserver.RouteList, Status: 502, Body: dump, ContentType: "text/plain"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := acctest.NewEnv(t, localserver.Options{})
			env.MaxRetries = 1
			env.Server.AddFault(fault)
			cli := acctest.NewDevOverridesCLI(t, env.Config(`data "retivo_webhook_endpoints" "all" {}`))
			out, logs, err := tracePlan(t, cli)
			if err == nil || !acctest.ErrorPattern("replica lag while listing").MatchString(out) {
				t.Fatalf("want the server error (%v):\n%s", err, out)
			}
			if !strings.Contains(logs, "replica lag while listing") {
				t.Fatal("the TRACE log lacks the provider's diagnostic: it shows nothing")
			}
			for what, text := range map[string]string{"output": out, "TRACE log": logs} {
				for _, secret := range dumpedSecrets {
					if strings.Contains(text, secret[:12]) {
						t.Errorf("the %s shows the secret %q", what, secret)
					}
				}
			}
		})
	}
}

// A 401 whose text quotes parts of the API key without its rt_test_ prefix
// shows none of them, in terraform's output or its TRACE log.
func TestAccProvider_keyBodyQuotedByServerNeverShown(t *testing.T) {
	t.Parallel()
	body := strings.TrimPrefix(acctest.APIKey, "rt_test_")
	env := acctest.NewEnv(t, localserver.Options{})
	env.Server.AddFault(localserver.Fault{Route: localserver.RouteList, Status: 401,
		Body: `{"error": "key ending ` + body[len(body)-12:] + ` (` + body[2:11] + `) was revoked"}`})
	cli := acctest.NewDevOverridesCLI(t, env.Config(`data "retivo_webhook_endpoints" "all" {}`))
	out, logs, err := tracePlan(t, cli)
	if err == nil || !acctest.ErrorPattern("Retivo rejected the API key", "was revoked").MatchString(out) {
		t.Fatalf("want the 401 (%v):\n%s", err, out)
	}
	if !strings.Contains(logs, "was revoked") {
		t.Fatal("the TRACE log lacks the provider's diagnostic: it shows nothing")
	}
	for what, text := range map[string]string{"output": out, "TRACE log": logs} {
		for i := 0; i+8 <= len(body); i++ {
			if strings.Contains(text, body[i:i+8]) {
				t.Errorf("the %s shows %q, 8 characters of the API key's body", what, body[i:i+8])
				break
			}
		}
	}
}

// On Terraform 1.14+: `apply -invoke` of the action against a receiver whose
// status text and error carry ESC sequences, NUL, CR and a fake "Apply
// complete!" line prints none of them, in the progress message or the error.
func TestAccWebhookEndpointTestAction_invokeShowsNoReceiverControlCharacters(t *testing.T) {
	t.Parallel()
	acctest.SkipBelow(t, tfversion.Version1_14_0, "actions")
	env := acctest.NewEnv(t, localserver.Options{})
	endpoint := env.Server.InsertEndpoint(localserver.Endpoint{URL: env.ReceiverURL + "/hostile", Active: true,
		SubscribedEvents: []string{}})
	cli := acctest.NewCLI(t, env.Config(`
action "retivo_webhook_endpoint_test" "check" {
  config {
    endpoint_id = "`+endpoint.ID+`"
  }
}
`))
	for _, success := range []bool{true, false} {
		env.Server.ClearFaults()
		env.Server.AddFault(localserver.Fault{Route: localserver.RouteTest, Status: 200, Body: hostileTestAnswer(t, success)})
		out, err := cli.Exec(t, "", "apply", "-auto-approve", "-no-color", "-input=false",
			"-invoke=action.retivo_webhook_endpoint_test.check")
		if success && err != nil {
			t.Fatalf("-invoke of a delivered test: %v\n%s", err, out)
		}
		assertNoUnsafeRune(t, fmt.Sprintf("-invoke output (delivered: %v)", success), out)
		if !strings.Contains(out, "Teapot") {
			t.Errorf("the receiver's text is not shown (delivered: %v):\n%s", success, out)
		}
	}
}
