package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// The HTTP log masks the API key and every secret the client has seen, in
// messages and in fields, whatever the field.
func TestHTTPLogger_masksSecrets(t *testing.T) {
	t.Setenv("TF_LOG", "TRACE")
	var out bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &out)
	redactor := retivo.NewRedactor("rt_live_the_api_key_value")
	redactor.Add("whsec_the_signing_secret")

	newHTTPLogger(redactor).Debug(ctx, "request for whsec_the_signing_secret", map[string]any{
		"method": "POST",
		"error":  "echo: Bearer rt_live_the_api_key_value and whsec_the_signing_secret",
	})
	logged := out.String()
	if !strings.Contains(logged, `"method":"POST"`) || !strings.Contains(logged, "retivo_http") {
		t.Fatalf("nothing useful logged: %s", logged)
	}
	for _, secret := range []string{"rt_live_the_api_key_value", "whsec_the_signing_secret"} {
		if strings.Contains(logged, secret) {
			t.Errorf("the log contains %q: %s", secret, logged)
		}
	}
}
