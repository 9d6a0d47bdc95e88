package provider_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// Actions need Terraform 1.14; TestWebhookEndpointTestAction_protocol covers the action on older
// CLIs through the protocol.
func TestAccWebhookEndpointTestAction_afterCreate(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	acctest.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_14_0)},
		CheckDestroy:           env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.Config(`
action "retivo_webhook_endpoint_test" "check" {
  config {
    endpoint_id = retivo_webhook_endpoint.test.id
  }
}

resource "retivo_webhook_endpoint" "test" {
  url = "` + env.ReceiverURL + `/action"

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.retivo_webhook_endpoint_test.check]
    }
  }
}
`),
				Check: func(*terraform.State) error {
					if n := len(env.Receiver.Deliveries()); n != 1 {
						return fmt.Errorf("the action made %d deliveries, want 1", n)
					}
					return nil
				},
			},
		},
	})
}

// Through the protocol, as Terraform 1.12+/1.14+ calls it (see protocol_test.go).
func TestWebhookEndpointTestAction_protocol(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	healthy := env.Server.InsertEndpoint(localserver.Endpoint{URL: env.ReceiverURL + "/ok", Active: true})
	broken := env.Server.InsertEndpoint(localserver.Endpoint{URL: env.ReceiverURL + "/broken?status=500", Active: true})
	h := newProtocolHarness(t, env)
	actionTypeSchema := h.schema.ActionSchemas[actionType].Schema.ValueType()

	invoke := func(id string, reportOnly bool) (progress []string, diags []*tfprotov6.Diagnostic) {
		t.Helper()
		config := h.value(actionTypeSchema, map[string]tftypes.Value{
			"endpoint_id": tftypes.NewValue(tftypes.String, id),
			"report_only": tftypes.NewValue(tftypes.Bool, reportOnly),
		})
		calls := env.Server.Count(localserver.RouteTest)
		validated, err := h.server.ValidateActionConfig(h.ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: actionType, Config: config})
		h.check("ValidateActionConfig", err, validated.Diagnostics)
		planned, err := h.server.PlanAction(h.ctx, &tfprotov6.PlanActionRequest{ActionType: actionType, Config: config})
		h.check("PlanAction", err, planned.Diagnostics)
		if n := env.Server.Count(localserver.RouteTest); n != calls {
			t.Fatalf("validate and plan sent %d test calls, want none", n-calls)
		}
		stream, err := h.server.InvokeAction(h.ctx, &tfprotov6.InvokeActionRequest{ActionType: actionType, Config: config})
		if err != nil {
			t.Fatal(err)
		}
		for event := range stream.Events {
			switch e := event.Type.(type) {
			case tfprotov6.ProgressInvokeActionEventType:
				progress = append(progress, e.Message)
			case tfprotov6.CompletedInvokeActionEventType:
				diags = e.Diagnostics
			}
		}
		return progress, diags
	}

	before := len(env.Receiver.Deliveries())
	progress, diags := invoke(healthy.ID, false)
	if len(diags) != 0 {
		t.Errorf("healthy endpoint: diagnostics %v", diags)
	}
	if len(progress) != 2 || !strings.Contains(progress[1], "200") {
		t.Errorf("progress %q", progress)
	}
	deliveries := env.Receiver.Deliveries()
	if len(deliveries) != before+1 {
		t.Fatalf("the action sent %d deliveries, want exactly 1", len(deliveries)-before)
	}
	if !localserver.VerifySignature(healthy.Secret, deliveries[len(deliveries)-1].Header.Get(localserver.SignatureHeader), deliveries[len(deliveries)-1].Body) {
		t.Error("the delivery's signature does not verify")
	}

	_, diags = invoke(broken.ID, false)
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityError || !strings.Contains(diags[0].Detail, "HTTP 500") {
		t.Errorf("broken endpoint: want one error naming HTTP 500, got %+v", diags)
	}
	_, diags = invoke(broken.ID, true)
	if len(diags) != 1 || diags[0].Severity != tfprotov6.DiagnosticSeverityWarning {
		t.Errorf("broken endpoint, report_only: want one warning, got %+v", diags)
	}
	_, diags = invoke("we_missing", false)
	if len(diags) != 1 || !strings.Contains(diags[0].Summary, "not found") {
		t.Errorf("unknown id: want a not-found error, got %+v", diags)
	}
	// A live-mode endpoint is invisible to the test-mode key: the error
	// says so, and how to give the action a live-mode key.
	live := env.Server.InsertEndpoint(localserver.Endpoint{URL: env.ReceiverURL + "/ok", Active: true, Live: true})
	_, diags = invoke(live.ID, false)
	want := acctest.ErrorPattern("test-mode key (rt_test_…)", "cannot see live-mode endpoints", live.ID, "aliased provider")
	if len(diags) != 1 || !want.MatchString(diags[0].Detail) {
		t.Errorf("live-mode endpoint: want an error naming the key's mode, got %s", describeDiagnostics(diags))
	}
}

// The action as users run it on 1.14: triggered from a resource's lifecycle on
// create and on update, and invoked on its own with -invoke. Each run makes
// exactly one delivery to the endpoint's current url.
func TestAccWebhookEndpointTestAction_triggersAndInvoke(t *testing.T) {
	t.Parallel()
	acctest.SkipBelow(t, tfversion.Version1_14_0, "actions")
	env := acctest.NewEnv(t, localserver.Options{})
	config := func(path string) string {
		return env.Config(`
action "retivo_webhook_endpoint_test" "check" {
  config {
    endpoint_id = retivo_webhook_endpoint.test.id
  }
}

resource "retivo_webhook_endpoint" "test" {
  url = "` + env.ReceiverURL + path + `"

  lifecycle {
    action_trigger {
      events  = [after_create, after_update]
      actions = [action.retivo_webhook_endpoint_test.check]
    }
  }
}
`)
	}
	cli := acctest.NewCLI(t, config("/created"))
	wantDeliveries := func(step string, paths ...string) {
		t.Helper()
		var got []string
		for _, d := range env.Receiver.Deliveries() {
			got = append(got, d.Path)
		}
		if !slices.Equal(got, paths) {
			t.Fatalf("after %s the receiver got deliveries to %v, want %v", step, got, paths)
		}
	}

	cli.MustApply(t)
	wantDeliveries("create", "/created")

	cli.WriteMain(t, config("/updated"))
	cli.MustApply(t)
	wantDeliveries("update", "/created", "/updated")

	out := cli.MustExec(t, "apply", "-auto-approve", "-no-color", "-input=false",
		"-invoke=action.retivo_webhook_endpoint_test.check")
	wantDeliveries("-invoke", "/created", "/updated", "/updated")
	for _, want := range []string{"Delivered: the endpoint answered 200 OK", "Actions: 1 invoked."} {
		if !strings.Contains(out, want) {
			t.Errorf("-invoke output lacks %q:\n%s", want, out)
		}
	}

	// A plan with nothing to change triggers nothing.
	if out, changes, err := cli.Plan(t); err != nil || changes {
		t.Fatalf("plan: %v, changes %v\n%s", err, changes, out)
	}
	cli.MustDestroy(t)
	wantDeliveries("plan and destroy", "/created", "/updated", "/updated")
}
