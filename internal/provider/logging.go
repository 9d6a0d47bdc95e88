package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

// httpLogSubsystem is the tflog subsystem of the API client's HTTP log. Its
// level follows TF_LOG_PROVIDER_RETIVO_HTTP, then TF_LOG_PROVIDER, then TF_LOG.
const httpLogSubsystem = "retivo_http"

// httpLogger sends the client's per-attempt entries to tflog, with the API key
// and every webhook secret the client has seen masked.
type httpLogger struct {
	redactor *retivo.Redactor
}

func newHTTPLogger(r *retivo.Redactor) *httpLogger { return &httpLogger{redactor: r} }

func (l *httpLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	ctx = tflog.NewSubsystem(ctx, httpLogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_RETIVO_HTTP"))
	secrets := l.redactor.Values()
	ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, httpLogSubsystem, secrets...)
	ctx = tflog.SubsystemMaskMessageStrings(ctx, httpLogSubsystem, secrets...)
	tflog.SubsystemDebug(ctx, httpLogSubsystem, msg, fields)
}
