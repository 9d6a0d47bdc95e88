package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
	"github.com/retivo/terraform-provider-retivo/internal/localserver"
)

// BenchmarkWebhookEndpointsDataSource reads retivo_webhook_endpoints through
// the protocol, as Terraform calls it (ConfigureProvider, then
// ReadDataSource, the answer encoded for Terraform), over accounts of
// growing size: the cost must grow linearly with the number of endpoints.
func BenchmarkWebhookEndpointsDataSource(b *testing.B) {
	for _, n := range []int{5_000, 10_000, 20_000} {
		b.Run(fmt.Sprintf("endpoints=%d", n), func(b *testing.B) {
			env := filledServer(b, n)
			b.ResetTimer()
			for range b.N {
				// A new provider each time: no shared snapshot, one list call.
				h := newProtocolHarness(b, env)
				typ := h.schema.DataSourceSchemas["retivo_webhook_endpoints"].ValueType()
				resp, err := h.server.ReadDataSource(h.ctx, &tfprotov6.ReadDataSourceRequest{
					TypeName: "retivo_webhook_endpoints", Config: h.value(typ, nil),
				})
				h.check("ReadDataSource", err, resp.Diagnostics)
			}
		})
	}
}

// filledServer is a test environment whose local server holds n endpoints.
func filledServer(tb testing.TB, n int) *acctest.Env {
	tb.Helper()
	env := acctest.NewEnv(tb, localserver.Options{})
	for i := range n {
		env.Server.InsertEndpoint(localserver.Endpoint{
			URL:              fmt.Sprintf("https://example.com/hooks/%d", i),
			Description:      fmt.Sprintf("endpoint %d", i),
			SubscribedEvents: []string{"order.created", "order.paid"},
			Active:           true,
		})
	}
	return env
}
