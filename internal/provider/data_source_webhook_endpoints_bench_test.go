package provider_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// BenchmarkWebhookEndpointsDataSource reads retivo_webhook_endpoints through
// the protocol, as Terraform calls it (ConfigureProvider, then
// ReadDataSource, the answer encoded for Terraform), over accounts of
// growing size: the cost must grow linearly with the number of endpoints.
func BenchmarkWebhookEndpointsDataSource(b *testing.B) {
	for _, n := range []int{5_000, 10_000, 20_000} {
		b.Run(fmt.Sprintf("endpoints=%d", n), func(b *testing.B) {
			baseURL := filledServer(b, n)
			ctx := context.Background()
			b.ResetTimer()
			for range b.N {
				// A new provider each time: no shared snapshot, one list call.
				server, schema := configuredProvider(b, ctx, baseURL)
				config, err := tfprotov6.NewDynamicValue(schema.ValueType(), tftypes.NewValue(schema.ValueType(), nullAttributes(schema.ValueType())))
				if err != nil {
					b.Fatal(err)
				}
				resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{
					TypeName: "retivo_webhook_endpoints", Config: &config,
				})
				checkDiagnostics(b, "ReadDataSource", err, resp.Diagnostics)
			}
		})
	}
}

// filledServer starts a local server holding n endpoints and returns its API root.
func filledServer(tb testing.TB, n int) string {
	tb.Helper()
	server := localserver.New(localserver.Options{APIKeys: []string{acctest.APIKey}})
	for i := range n {
		server.InsertEndpoint(localserver.Endpoint{
			URL:              fmt.Sprintf("https://example.com/hooks/%d", i),
			Description:      fmt.Sprintf("endpoint %d", i),
			SubscribedEvents: []string{"order.created", "order.paid"},
			Active:           true,
		})
	}
	api := httptest.NewServer(server)
	tb.Cleanup(api.Close)
	return api.URL + server.PathPrefix()
}

// configuredProvider is a new provider server, configured for baseURL, and
// the schema of retivo_webhook_endpoints.
func configuredProvider(tb testing.TB, ctx context.Context, baseURL string) (tfprotov6.ProviderServer, *tfprotov6.Schema) {
	tb.Helper()
	server, err := providerserver.NewProtocol6WithError(provider.New("test")())()
	if err != nil {
		tb.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	checkDiagnostics(tb, "GetProviderSchema", err, schemas.Diagnostics)
	attrs := nullAttributes(schemas.Provider.ValueType())
	attrs["api_key"] = tftypes.NewValue(tftypes.String, acctest.APIKey)
	attrs["base_url"] = tftypes.NewValue(tftypes.String, baseURL)
	attrs["max_retries"] = tftypes.NewValue(tftypes.Number, retivo.DefaultMaxRetries)
	config, err := tfprotov6.NewDynamicValue(schemas.Provider.ValueType(), tftypes.NewValue(schemas.Provider.ValueType(), attrs))
	if err != nil {
		tb.Fatal(err)
	}
	resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.11.4", Config: &config})
	checkDiagnostics(tb, "ConfigureProvider", err, resp.Diagnostics)
	return server, schemas.DataSourceSchemas["retivo_webhook_endpoints"]
}

func nullAttributes(typ tftypes.Type) map[string]tftypes.Value {
	out := map[string]tftypes.Value{}
	object, _ := typ.(tftypes.Object) // schemas are objects
	for name, attrType := range object.AttributeTypes {
		out[name] = tftypes.NewValue(attrType, nil)
	}
	return out
}

func checkDiagnostics(tb testing.TB, call string, err error, diags []*tfprotov6.Diagnostic) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", call, err)
	}
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			tb.Fatalf("%s: %s: %s", call, d.Summary, d.Detail)
		}
	}
}
