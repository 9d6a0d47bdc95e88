// Package tfcli is what the tools that drive the Terraform CLI against this
// provider share (the acceptance-test helpers, the demo, the benchmark, the
// install test): the provider served in-process, a private environment,
// terraform-exec set up with it, the CLI's version and signal handling.
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
// under the address the CLI resolves the source to (AddressOnHost), and
// returns what tfexec.Reattach needs and a channel closed once it stopped.
// A reattached provider makes the CLI print no dev_overrides warning; init
// is still needed, and installs nothing for it.
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

// PrivateEnv is the environment for a CLI that must see only what it is
// given: this process's without any TF_* or RETIVO_* variable (the user's own
// CLI config, logging and credentials stay out), plus the CLI configuration
// file cliConfig (OpenTofu reads TF_CLI_CONFIG_FILE too), CHECKPOINT_DISABLE
// and extra.
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
// environment env (PrivateEnv), which must hold none of the variables it sets
// itself (TF_LOG*, TF_REATTACH_PROVIDERS, TF_VAR_*, ...).
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

// RunInterruptible runs run under a context that SIGINT or SIGTERM cancels
// (terraform-exec then interrupts the CLI) and returns run's error with its
// exit status: 0 on success, 130 when a signal stopped it, 1 otherwise.
func RunInterruptible(run func(context.Context) error) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	interrupted := ctx.Err() != nil // read before stop, which cancels ctx too
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
