// Package tfcli holds what the tools that drive the Terraform CLI against
// this provider share: serving the provider in-process for
// TF_REATTACH_PROVIDERS, and a private CLI configuration whose dev_overrides
// point at a build. The acceptance-test helpers, the demo, the benchmark, the
// install test and the docs schema generator use it; the provider itself does
// not.
package tfcli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/sdklog"
)

// ProviderAddress is the provider's registry address.
const ProviderAddress = "registry.terraform.io/retivo/retivo"

// AddressOnHost is the provider's address on another registry host. The
// same `source = "retivo/retivo"` means registry.terraform.io/retivo/retivo to
// Terraform and registry.opentofu.org/retivo/retivo to OpenTofu; an empty
// host means Terraform's.
func AddressOnHost(host string) string {
	if host == "" {
		return ProviderAddress
	}
	return host + "/retivo/retivo"
}

// Serve runs the provider in this process in debug mode until ctx ends. It
// returns the TF_REATTACH_PROVIDERS value that points Terraform at it, and a
// channel closed once the server has stopped.
func Serve(ctx context.Context, opts ...tf6server.ServeOpt) (string, <-chan struct{}, error) {
	return ServeAt(ctx, ProviderAddress, opts...)
}

// ServeAt is Serve for the provider at the given address, which is the key
// of the reattach information: the address the CLI resolves the
// configuration's source to (see AddressOnHost).
func ServeAt(ctx context.Context, address string, opts ...tf6server.ServeOpt) (string, <-chan struct{}, error) {
	configs := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	errs := make(chan error, 1)
	opts = append([]tf6server.ServeOpt{
		tf6server.WithDebug(ctx, configs, closed),
		tf6server.WithGoPluginLogger(hclog.NewNullLogger()),
		tf6server.WithoutLogStderrOverride(),
	}, opts...)
	go func() {
		errs <- tf6server.Serve(address, providerserver.NewProtocol6(provider.New("dev")()), opts...)
	}()
	select {
	case rc := <-configs:
		info := map[string]any{address: map[string]any{
			"Protocol": string(rc.Protocol), "ProtocolVersion": rc.ProtocolVersion, "Pid": rc.Pid, "Test": rc.Test,
			"Addr": map[string]string{"Network": rc.Addr.Network(), "String": rc.Addr.String()},
		}}
		data, err := json.Marshal(info)
		return string(data), closed, err
	case err := <-errs:
		if err == nil {
			err = errors.New("stopped before it started")
		}
		return "", nil, fmt.Errorf("serving the provider: %w", err)
	}
}

// DevOverridesEnv writes a CLI configuration into dir whose dev_overrides
// map each provider address in overrides to the directory of its binary,
// and returns the environment for terraform: this process's, without any
// TF_* or RETIVO_* variable (the user's own CLI config, logging and
// credentials stay out), plus the new CLI config, CHECKPOINT_DISABLE and
// extra.
func DevOverridesEnv(dir string, overrides map[string]string, extra ...string) ([]string, error) {
	rc := filepath.Join(dir, "terraform.rc")
	var lines strings.Builder
	for _, address := range slices.Sorted(maps.Keys(overrides)) {
		fmt.Fprintf(&lines, "    %q = %q\n", address, overrides[address])
	}
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n%s  }\n  direct {}\n}\n", lines.String())
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		return nil, err
	}
	return PrivateEnv(rc, extra...), nil
}

// ReattachEnv writes an empty CLI configuration into dir and returns the
// environment for terraform to use the provider served by Serve: this
// process's, without any TF_* or RETIVO_* variable, plus the new CLI config,
// TF_REATTACH_PROVIDERS, CHECKPOINT_DISABLE and extra. Unlike dev_overrides,
// a reattached provider makes Terraform print no warning; `terraform init`
// is still needed, and installs nothing for the reattached provider.
func ReattachEnv(dir, reattach string, extra ...string) ([]string, error) {
	rc := filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(rc, nil, 0o600); err != nil {
		return nil, err
	}
	return PrivateEnv(rc, append([]string{"TF_REATTACH_PROVIDERS=" + reattach}, extra...)...), nil
}

// PrivateEnv is the environment for a Terraform-compatible CLI that must
// see only what it is given: this process's, without any TF_* or RETIVO_*
// variable, plus the CLI configuration file cliConfig, CHECKPOINT_DISABLE and
// extra. OpenTofu reads TF_CLI_CONFIG_FILE too.
func PrivateEnv(cliConfig string, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "TF_") && !strings.HasPrefix(name, "RETIVO_") {
			env = append(env, kv)
		}
	}
	env = append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1")
	return append(env, extra...)
}

// ProviderLogVariables are the loggers of a provider served in-process: the
// SDKs' and the provider's own (its tflog root and HTTP subsystem).
func ProviderLogVariables() []string {
	return append(slices.Clone(sdklog.Variables), "TF_LOG_PROVIDER_RETIVO", "TF_LOG_PROVIDER_RETIVO_HTTP")
}

// QuietProviderLogs stops a provider served in this process from writing its
// logs (the SDK's at TRACE, the provider's own) to this process's stderr, as
// it would by default: Terraform is not there to filter them.
func QuietProviderLogs() {
	for _, name := range ProviderLogVariables() {
		_ = os.Setenv(name, "off")
	}
}

// RunInterruptible runs run under a context that SIGINT or SIGTERM cancels,
// for the command-line tools, and returns run's error with the exit status
// for it: 0 on success, 130 when a signal stopped it, 1 for any other error.
// Whether a signal came is read before the signal context is released,
// since releasing it cancels the context too.
func RunInterruptible(run func(context.Context) error) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	interrupted := ctx.Err() != nil
	stop()
	switch {
	case err == nil:
		return 0, nil
	case interrupted:
		return 130, err
	default:
		return 1, err
	}
}
