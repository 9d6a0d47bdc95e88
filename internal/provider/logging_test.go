package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// The client's HTTP log goes to its own tflog subsystem, fields intact. (The
// client masks secrets before the entry gets here: see retivo's
// TestLoggingTransport_masksSecrets and TestAccWebhookEndpoint_logsHideSecrets.)
func TestHTTPLogger_subsystem(t *testing.T) {
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	httpLogger{}.Debug(ctx, "Retivo API request", map[string]any{"method": "POST", "status": 201})
	logged := out.String()
	for _, want := range []string{`"method":"POST"`, `"status":201`, `"@module":"provider.retivo_http"`} {
		if !strings.Contains(logged, want) {
			t.Errorf("the entry lacks %s: %s", want, logged)
		}
	}
}
