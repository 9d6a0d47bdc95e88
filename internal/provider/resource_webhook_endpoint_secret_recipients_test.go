package provider_test

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"
	"filippo.io/age/armor"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// newIdentity is a fresh age identity for a test.
func newIdentity(t *testing.T) *age.X25519Identity {
	t.Helper()
	identity, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return identity
}

// decryptWith decrypts an encrypted_secret as a person would, with the age
// library rather than the provider's own code.
func decryptWith(t *testing.T, identity age.Identity, encrypted string) string {
	t.Helper()
	r, err := age.Decrypt(armor.NewReader(strings.NewReader(encrypted)), identity)
	if err != nil {
		t.Fatalf("decrypting encrypted_secret: %v", err)
	}
	plaintext, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(plaintext)
}

// leaksSecret names what of secret text shows: its body whole, or any 8
// characters of it; "" when nothing.
func leaksSecret(text, secret string) string {
	body := strings.TrimPrefix(secret, "whsec_")
	if strings.Contains(text, body) {
		return "the whole secret"
	}
	for i := 0; i+8 <= len(body); i++ {
		if strings.Contains(text, body[i:i+8]) {
			return fmt.Sprintf("%q, 8 characters of it", body[i:i+8])
		}
	}
	return ""
}

const ordersAddress = "retivo_webhook_endpoint.orders"

// recipientsConfig is the orders endpoint with a description and, unless
// none are given, secret_recipients.
func recipientsConfig(env *acctest.Env, description string, recipients ...string) string {
	line := ""
	if len(recipients) > 0 {
		quoted := make([]string, len(recipients))
		for i, r := range recipients {
			quoted[i] = fmt.Sprintf("%q", r)
		}
		line = "  secret_recipients = [" + strings.Join(quoted, ", ") + "]\n"
	}
	return env.Config(fmt.Sprintf(`
resource "retivo_webhook_endpoint" "orders" {
  url         = "https://example.com/orders"
  description = %q
%s}
`, description, line))
}

// With secret_recipients, neither the state nor a plan holds the server's
// secret (whole, or any 8 characters of it), and encrypted_secret decrypts
// to exactly that secret with the recipient's identity.
func TestAccWebhookEndpoint_secretRecipientsKeepTheSecretOutOfState(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	identity := newIdentity(t)
	cli := acctest.NewCLI(t, recipientsConfig(env, "first", identity.Recipient().String()))
	outputs := map[string]string{"the first plan": cli.MustPlan(t), "the first apply": cli.MustApply(t)}
	stored := env.Server.Endpoints()
	if len(stored) != 1 || stored[0].Secret == "" {
		t.Fatalf("the server holds %d endpoints", len(stored))
	}
	secret := stored[0].Secret
	outputs["the state (show -json)"] = cli.MustExec(t, "show", "-json")
	values := acctest.ResourceValues(cli.MustShow(t), ordersAddress)
	if values["secret"] != nil {
		t.Errorf("secret in state = %v, want null", values["secret"])
	}
	encrypted, _ := values["encrypted_secret"].(string)
	if got := decryptWith(t, identity, encrypted); got != secret {
		t.Errorf("encrypted_secret decrypts to another value than the server's secret")
	}

	cli.WriteMain(t, recipientsConfig(env, "second", identity.Recipient().String()))
	planFile := filepath.Join(cli.Dir, "update.tfplan")
	cli.MustExec(t, "plan", "-no-color", "-out="+planFile)
	outputs["the update's plan (show -json)"] = cli.MustExec(t, "show", "-json", planFile)
	outputs["the update"] = cli.MustApply(t)
	for name, text := range outputs {
		if leak := leaksSecret(text, secret); leak != "" {
			t.Errorf("%s shows %s", name, leak)
		}
	}
	if got := acctest.ResourceValues(cli.MustShow(t), ordersAddress)["encrypted_secret"]; got != encrypted {
		t.Errorf("an update changed encrypted_secret")
	}
	cli.MustDestroy(t)
}

// Recipients added to an endpoint whose secret is in state move it out in
// place: the same endpoint, secret null, encrypted_secret its secret. A
// change of recipients afterwards replaces the endpoint (the plaintext is
// gone), and so does their removal.
func TestAccWebhookEndpoint_secretRecipientsChanges(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	first, second := newIdentity(t), newIdentity(t)
	var id, secret string
	acctest.ParallelTest(t, resource.TestCase{
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{
				Config: recipientsConfig(env, "orders"),
				Check: func(s *terraform.State) error {
					rs := s.RootModule().Resources[ordersAddress].Primary
					id, secret = rs.ID, rs.Attributes["secret"]
					return nil
				},
			},
			{
				Config: recipientsConfig(env, "orders", first.Recipient().String()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ordersAddress, plancheck.ResourceActionUpdate),
				}},
				Check: func(s *terraform.State) error {
					rs := s.RootModule().Resources[ordersAddress].Primary
					switch {
					case rs.ID != id:
						return fmt.Errorf("the endpoint was replaced: %s, was %s", rs.ID, id)
					case rs.Attributes["secret"] != "":
						return fmt.Errorf("the secret stayed in state")
					case decryptWith(t, first, rs.Attributes["encrypted_secret"]) != secret:
						return fmt.Errorf("encrypted_secret is not the secret that was in state")
					}
					return nil
				},
			},
			{
				Config: recipientsConfig(env, "orders", second.Recipient().String()),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ordersAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: env.CheckServerCount(1),
			},
			{
				Config: recipientsConfig(env, "orders"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ordersAddress, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: env.CheckSecretIssued(ordersAddress),
			},
		},
	})
}

// Recipients known only at apply (from another resource), added to an
// endpoint whose secret is in state: the plan leaves secret and
// encrypted_secret unknown, and the apply moves the secret out.
func TestAccWebhookEndpoint_secretRecipientsKnownOnlyAtApply(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	identity := newIdentity(t)
	cli := acctest.NewCLI(t, recipientsConfig(env, "orders"))
	cli.MustApply(t)
	secret := env.Server.Endpoints()[0].Secret

	cli.WriteMain(t, env.Config(fmt.Sprintf(`
resource "terraform_data" "keys" {
  input = [%q]
}
resource "retivo_webhook_endpoint" "orders" {
  url               = "https://example.com/orders"
  description       = "orders"
  secret_recipients = terraform_data.keys.output
}
`, identity.Recipient().String())))
	out, err := cli.Apply(t)
	if err != nil {
		t.Errorf("adding recipients known only at apply fails:\n%s", out)
	}
	if leak := leaksSecret(out, secret); leak != "" {
		t.Errorf("the output shows %s", leak)
	}
	values := acctest.ResourceValues(cli.MustShow(t), ordersAddress)
	if values["secret"] != nil {
		t.Errorf("the secret stayed in state after the move")
	}
	if enc, _ := values["encrypted_secret"].(string); enc == "" || decryptWith(t, identity, enc) != secret {
		t.Errorf("encrypted_secret = %v, want the secret encrypted", values["encrypted_secret"])
	}
}

// A post-quantum age recipient beside a classic one cannot be encrypted to
// together: the plan refuses them, and the secret stays in state.
func TestAccWebhookEndpoint_secretRecipientsThatCannotBeMixed(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	classic := newIdentity(t)
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t, recipientsConfig(env, "orders"))
	cli.MustApply(t)

	cli.WriteMain(t, env.Config(fmt.Sprintf(`
resource "retivo_webhook_endpoint" "orders" {
  url               = "https://example.com/orders"
  description       = "orders"
  secret_recipients = [%q, %q]
}
`, classic.Recipient().String(), pq.Recipient().String())))
	planOut, _, planErr := cli.Plan(t)
	if planErr == nil {
		t.Errorf("the plan accepts recipients that cannot be mixed:\n%s", planOut)
	}
	out, err := cli.Apply(t)
	if err == nil {
		t.Fatalf("the apply succeeded:\n%s", out)
	}
	if values := acctest.ResourceValues(cli.MustShow(t), ordersAddress); values["secret"] == nil {
		t.Errorf("a refused move took the secret out of state (apply said:\n%s)", out)
	}
}

// An age identity (a private key) pasted into secret_recipients by mistake
// is refused without being quoted.
func TestAccWebhookEndpoint_privateKeyInRecipientsNotQuoted(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	identity := newIdentity(t)
	cli := acctest.NewCLI(t, env.Config(`
variable "keys" {
  type = set(string)
}
resource "retivo_webhook_endpoint" "orders" {
  url               = "https://example.com/orders"
  secret_recipients = var.keys
}
`))
	out, err := cli.Exec(t, "", "plan", "-no-color", "-input=false", fmt.Sprintf("-var=keys=[%q]", identity.String()))
	if err == nil {
		t.Fatalf("the plan accepted a private key as recipient")
	}
	key := strings.TrimPrefix(identity.String(), "AGE-SECRET-KEY-1")
	for i := 0; i+8 <= len(key); i++ {
		if strings.Contains(out, key[i:i+8]) {
			t.Errorf("the error quotes the private key pasted into secret_recipients:\n%s", out)
			break
		}
	}
}

// The same recipients written otherwise (a trailing newline, as from
// file("key.pub"), another SSH comment) are no change of key: the endpoint
// and its encrypted secret stay.
func TestAccWebhookEndpoint_secretRecipientsRewrittenStay(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	identity := newIdentity(t)
	sshKey := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
	acctest.ParallelTest(t, resource.TestCase{
		CheckDestroy: env.CheckDestroyed,
		Steps: []resource.TestStep{
			{Config: recipientsConfig(env, "orders", identity.Recipient().String(), sshKey+" alice")},
			{
				Config: recipientsConfig(env, "orders", identity.Recipient().String()+"\n", sshKey+" alice@laptop"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(ordersAddress, plancheck.ResourceActionUpdate),
				}},
				Check: env.CheckServerCount(1),
			},
		},
	})
}

// An update that cannot encrypt the secret to its recipients (the plan's
// validation bypassed, as only the protocol can) keeps the secret in state,
// with the recipients the state had, and says so: nothing is lost, and the
// next apply tries again.
func TestWebhookEndpoint_failedSecretMoveKeepsTheSecretProtocol(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	stored := env.Server.InsertEndpoint(localserver.Endpoint{URL: "https://example.com/orders", Active: true})
	h := newProtocolHarness(t, env)
	resourceType := h.schema.ResourceSchemas[endpointType].ValueType()
	classic := newIdentity(t)
	pq, err := age.GenerateHybridIdentity()
	if err != nil {
		t.Fatal(err)
	}
	recipients := tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{
		tftypes.NewValue(tftypes.String, classic.Recipient().String()), tftypes.NewValue(tftypes.String, pq.Recipient().String()),
	})
	object := func(secret, encrypted, recipients tftypes.Value) *tfprotov6.DynamicValue {
		return h.value(resourceType, map[string]tftypes.Value{
			"id":                tftypes.NewValue(tftypes.String, stored.ID),
			"url":               tftypes.NewValue(tftypes.String, "https://example.com/orders"),
			"description":       tftypes.NewValue(tftypes.String, ""),
			"subscribed_events": tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, []tftypes.Value{}),
			"active":            tftypes.NewValue(tftypes.Bool, true),
			"mode":              tftypes.NewValue(tftypes.String, "test"),
			"secret":            secret,
			"encrypted_secret":  encrypted,
			"secret_recipients": recipients,
		})
	}
	text := func(v any) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }
	noRecipients := tftypes.NewValue(tftypes.Set{ElementType: tftypes.String}, nil)
	resp, err := h.server.ApplyResourceChange(h.ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: endpointType,
		PriorState:   object(text(stored.Secret), text(nil), noRecipients),
		PlannedState: object(text(nil), text(tftypes.UnknownValue), recipients),
		Config:       object(text(nil), text(nil), recipients)})
	if err != nil {
		t.Fatal(err)
	}
	if !acctest.ErrorPattern("Signing secret not encrypted").MatchString(describeDiagnostics(resp.Diagnostics)) {
		t.Errorf("no error for a move that failed:%s", describeDiagnostics(resp.Diagnostics))
	}
	state := h.decode(resourceType, resp.NewState)
	var secret string
	if err := state["secret"].As(&secret); err != nil || secret != stored.Secret || !state["secret_recipients"].IsNull() {
		t.Errorf("after a failed move the state holds secret %t, recipients %v; want the secret and no recipients",
			secret == stored.Secret, state["secret_recipients"])
	}
}
