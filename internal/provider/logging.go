package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// httpLogSubsystem is the tflog subsystem of the API client's HTTP log. Its
// level follows TF_LOG_PROVIDER_RETIVO_HTTP, then TF_LOG_PROVIDER, then TF_LOG.
const httpLogSubsystem = "retivo_http"

// httpLogger sends the client's per-attempt entries to tflog. The client has
// already masked the API key and every webhook secret it knows in them.
type httpLogger struct{}

func (httpLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	ctx = tflog.NewSubsystem(ctx, httpLogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_RETIVO_HTTP"))
	tflog.SubsystemDebug(ctx, httpLogSubsystem, msg, fields)
}
