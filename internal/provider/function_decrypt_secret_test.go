package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// sinkProvider is a test-only provider served beside this one: its
// sink_secret resource takes a write-only value_wo, as a secrets manager's
// secret_string_wo does, and records what it was given.
type sinkProvider struct{ received *receivedValues }

type receivedValues struct {
	mu     sync.Mutex
	values []string
}

func (r *receivedValues) add(v string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.values = append(r.values, v)
}

func (r *receivedValues) all() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.values...)
}

func (p *sinkProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "sink"
}
func (p *sinkProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (p *sinkProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (p *sinkProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }
func (p *sinkProvider) Resources(context.Context) []func() fwresource.Resource {
	return []func() fwresource.Resource{func() fwresource.Resource { return &sinkSecret{p.received} }}
}

type sinkSecret struct{ received *receivedValues }

func (s *sinkSecret) Metadata(_ context.Context, _ fwresource.MetadataRequest, resp *fwresource.MetadataResponse) {
	resp.TypeName = "sink_secret"
}

func (s *sinkSecret) Schema(_ context.Context, _ fwresource.SchemaRequest, resp *fwresource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":               schema.StringAttribute{Computed: true},
		"value_wo":         schema.StringAttribute{Optional: true, Sensitive: true, WriteOnly: true},
		"value_wo_version": schema.Int64Attribute{Optional: true},
	}}
}

func (s *sinkSecret) Create(ctx context.Context, req fwresource.CreateRequest, resp *fwresource.CreateResponse) {
	var value types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("value_wo"), &value)...)
	s.received.add(value.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &struct {
		ID      types.String `tfsdk:"id"`
		Value   types.String `tfsdk:"value_wo"`
		Version types.Int64  `tfsdk:"value_wo_version"`
	}{types.StringValue("sink"), types.StringNull(), types.Int64Value(1)})...)
}

func (s *sinkSecret) Read(context.Context, fwresource.ReadRequest, *fwresource.ReadResponse) {}
func (s *sinkSecret) Update(context.Context, fwresource.UpdateRequest, *fwresource.UpdateResponse) {
}
func (s *sinkSecret) Delete(context.Context, fwresource.DeleteRequest, *fwresource.DeleteResponse) {
}

// stateHolds fails when the state, as show -json prints it, holds any 8
// characters of the secret the server issued.
type stateHolds struct{ env *acctest.Env }

func (c stateHolds) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	state, err := json.Marshal(req.State)
	if err != nil {
		resp.Error = err
		return
	}
	for _, e := range c.env.Server.Endpoints() {
		if leak := leaksSecret(string(state), e.Secret); leak != "" {
			resp.Error = fmt.Errorf("the state holds %s of endpoint %s's secret", leak, e.ID)
		}
	}
}

const decryptIntoSink = `
variable "identity" {
  type      = string
  ephemeral = true
  sensitive = true
}

resource "sink_secret" "orders" {
  value_wo         = provider::retivo::decrypt_secret(retivo_webhook_endpoint.orders.encrypted_secret, var.identity)
  value_wo_version = 1
}
`

// The guide's CI path: decrypt_secret with an identity from an ephemeral
// variable feeds a write-only argument of another provider, which gets the
// server's secret, and no state holds it. Terraform 1.11 and later
// (ephemeral variables since 1.10, write-only arguments since 1.11).
func TestAccDecryptSecretFunction_feedsAWriteOnlyArgument(t *testing.T) {
	env := acctest.NewEnv(t, localserver.Options{})
	identity := newIdentity(t)
	received := &receivedValues{}
	var secret string // the server's, while the endpoint exists
	acctest.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_11_0)},
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"retivo": acctest.ProtoV6ProviderFactories["retivo"],
			"sink":   providerserver.NewProtocol6WithError(&sinkProvider{received}),
		},
		Steps: []resource.TestStep{{
			Config:            recipientsConfig(env, "orders", identity.Recipient().String()) + decryptIntoSink,
			ConfigVariables:   config.Variables{"identity": config.StringVariable(identity.String())},
			ConfigStateChecks: []statecheck.StateCheck{stateHolds{env}},
			Check: func(*terraform.State) error {
				if stored := env.Server.Endpoints(); len(stored) == 1 {
					secret = stored[0].Secret
				}
				return nil
			},
		}},
	})
	if got := received.all(); secret == "" || len(got) != 1 || got[0] != secret {
		t.Errorf("the write-only argument got %d values, none the server's secret", len(got))
	}
}

// A wrong identity fails with an error that says so and shows neither the
// identity nor the secret.
func TestAccDecryptSecretFunction_wrongIdentity(t *testing.T) {
	t.Parallel()
	env := acctest.NewEnv(t, localserver.Options{})
	recipient, wrong := newIdentity(t), newIdentity(t)
	cli := acctest.NewCLI(t, recipientsConfig(env, "orders", recipient.Recipient().String())+`
variable "identity" {
  type      = string
  sensitive = true
}

output "secret" {
  value     = provider::retivo::decrypt_secret(retivo_webhook_endpoint.orders.encrypted_secret, var.identity)
  sensitive = true
}
`)
	out, err := cli.Exec(t, "", "apply", "-auto-approve", "-no-color", "-var", "identity="+wrong.String())
	if err == nil || !acctest.ErrorPattern("decrypt_secret", "the identity is not one of the recipients").MatchString(out) {
		t.Errorf("apply with a wrong identity: %v, want an error that says so:\n%s", err, out)
	}
	key := strings.TrimPrefix(wrong.String(), "AGE-SECRET-KEY-1")
	for _, e := range env.Server.Endpoints() {
		if strings.Contains(out, key[:12]) || leaksSecret(out, e.Secret) != "" {
			t.Errorf("the error shows the identity or the secret:\n%s", out)
		}
	}
	if out, err := cli.Exec(t, "", "destroy", "-auto-approve", "-no-color", "-var", "identity="+recipient.String()); err != nil {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
}
