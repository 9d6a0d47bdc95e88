// Package tfcli holds what the tools that drive the Terraform CLI against
// this provider share: serving the provider in-process for a reattach, a
// private environment and CLI configuration, terraform-exec set up with
// them, the CLI's version and signal handling. The acceptance-test helpers,
// the demo, the benchmark and the install test use it; the provider does not.
package tfcli

import (
	"context"
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
	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
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

// ServeAt runs the provider in this process in debug mode until ctx ends,
// under the address the CLI resolves the configuration's source to (see
// AddressOnHost). It returns what tfexec.Reattach needs to point the CLI at
// it, and a channel closed once the server has stopped. A reattached
// provider makes the CLI print no dev_overrides warning; `init` is still
// needed, and installs nothing for it.
func ServeAt(ctx context.Context, address string, opts ...tf6server.ServeOpt) (tfexec.ReattachInfo, <-chan struct{}, error) {
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
		return tfexec.ReattachInfo{address: {Protocol: string(rc.Protocol), ProtocolVersion: rc.ProtocolVersion,
			Pid: rc.Pid, Test: rc.Test, Addr: tfexec.ReattachConfigAddr{Network: rc.Addr.Network(), String: rc.Addr.String()}}}, closed, nil
	case err := <-errs:
		if err == nil {
			err = errors.New("stopped before it started")
		}
		return nil, nil, fmt.Errorf("serving the provider: %w", err)
	}
}

// DevOverridesEnv writes a CLI configuration into dir whose dev_overrides
// map each provider address in overrides to the directory of its binary,
// and returns PrivateEnv for it with extra.
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

// PrivateEnv is the environment for a Terraform-compatible CLI that must
// see only what it is given: this process's, without any TF_* or RETIVO_*
// variable (the user's own CLI config, logging and credentials stay out),
// plus the CLI configuration file cliConfig, CHECKPOINT_DISABLE and extra.
// OpenTofu reads TF_CLI_CONFIG_FILE too.
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

// NewTerraform is terraform-exec for the CLI at execPath in dir with the
// environment env (PrivateEnv, say), which must hold none of the variables
// terraform-exec sets itself (TF_LOG, TF_REATTACH_PROVIDERS, TF_VAR_*, ...).
func NewTerraform(dir, execPath string, env []string) (*tfexec.Terraform, error) {
	tf, err := tfexec.NewTerraform(dir, execPath)
	if err != nil {
		return nil, err
	}
	vars := map[string]string{}
	for _, kv := range env {
		name, value, _ := strings.Cut(kv, "=")
		vars[name] = value
	}
	return tf, tf.SetEnv(vars)
}

// Version is the version of the CLI at execPath; OpenTofu reports its own,
// below every Terraform version with the newer features.
func Version(ctx context.Context, execPath string) (*version.Version, error) {
	tf, err := NewTerraform(os.TempDir(), execPath, PrivateEnv(os.DevNull))
	if err != nil {
		return nil, err
	}
	v, _, err := tf.Version(ctx, true)
	return v, err
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
