// Package tfcli is what the tools that drive the Terraform CLI against this
// provider share (acctest, the demo, the bench, the install test), and the
// signal handling that the local server uses too.
package tfcli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
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
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
)

// ProviderAddress is the provider's registry address.
const ProviderAddress = "registry.terraform.io/retivo/retivo"

// AddressOnHost is the provider's address on a registry host ("" means
// Terraform's): `source = "retivo/retivo"` is registry.opentofu.org/... to
// OpenTofu.
func AddressOnHost(host string) string {
	return cmp.Or(host, "registry.terraform.io") + "/retivo/retivo"
}

// ServeAt runs the provider in this process in debug mode under address and
// returns what tfexec.Reattach needs and a function that stops it. A
// reattached provider makes the CLI print no dev_overrides warning; init is
// still needed, and installs nothing for it.
func ServeAt(address string, opts ...tf6server.ServeOpt) (tfexec.ReattachInfo, func(), error) {
	ctx, cancel := context.WithCancel(context.Background())
	configs, closed, errs := make(chan *plugin.ReattachConfig, 1), make(chan struct{}), make(chan error, 1)
	opts = append([]tf6server.ServeOpt{tf6server.WithDebug(ctx, configs, closed),
		tf6server.WithGoPluginLogger(hclog.NewNullLogger()), tf6server.WithoutLogStderrOverride()}, opts...)
	go func() {
		errs <- tf6server.Serve(address, providerserver.NewProtocol6(provider.New("dev")()), opts...)
	}()
	select {
	case rc := <-configs:
		addr := tfexec.ReattachConfigAddr{Network: rc.Addr.Network(), String: rc.Addr.String()}
		info := tfexec.ReattachConfig{Protocol: string(rc.Protocol), ProtocolVersion: rc.ProtocolVersion, Pid: rc.Pid, Test: rc.Test, Addr: addr}
		return tfexec.ReattachInfo{address: info}, func() { cancel(); <-closed }, nil
	case err := <-errs:
		cancel()
		return nil, nil, fmt.Errorf("serving the provider: %w", cmp.Or(err, errors.New("stopped before it started")))
	}
}

// DevOverridesEnv writes a CLI configuration into dir whose dev_overrides
// map provider addresses to their binaries' directories, and returns
// PrivateEnv for it with extra.
func DevOverridesEnv(dir string, overrides map[string]string, extra ...string) ([]string, error) {
	var lines strings.Builder
	for _, address := range slices.Sorted(maps.Keys(overrides)) {
		fmt.Fprintf(&lines, "    %q = %q\n", address, overrides[address])
	}
	config := fmt.Sprintf("provider_installation {\n  dev_overrides {\n%s  }\n  direct {}\n}\n", lines.String())
	return PrivateEnv(filepath.Join(dir, "terraform.rc"), extra...), WriteFiles(dir, map[string]string{"terraform.rc": config})
}

// PrivateEnv is this process's environment without any TF_* or RETIVO_*
// variable (the user's CLI config, logging and credentials stay out), with
// the CLI configuration file cliConfig (OpenTofu reads TF_CLI_CONFIG_FILE
// too), CHECKPOINT_DISABLE and extra.
func PrivateEnv(cliConfig string, extra ...string) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		return strings.HasPrefix(kv, "TF_") || strings.HasPrefix(kv, "RETIVO_")
	})
	return append(append(env, "TF_CLI_CONFIG_FILE="+cliConfig, "CHECKPOINT_DISABLE=1"), extra...)
}

// WriteFiles writes files, by path relative to dir, making directories.
func WriteFiles(dir string, files map[string]string) error {
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// NewTerraform writes files into dir and returns terraform-exec for the CLI
// at execPath there, with env (PrivateEnv), which must hold none of the
// variables terraform-exec sets itself (TF_LOG*, TF_REATTACH_PROVIDERS, ...).
func NewTerraform(dir, execPath string, env []string, files map[string]string) (*tfexec.Terraform, error) {
	if err := WriteFiles(dir, files); err != nil {
		return nil, err
	}
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
	tf, err := NewTerraform(os.TempDir(), execPath, PrivateEnv(os.DevNull), nil)
	if err != nil {
		return nil, err
	}
	v, _, err := tf.Version(ctx, true)
	return v, err
}

// PlanNoChanges runs plan, which must find nothing to change in a managed
// resource: after apply, its refresh sees an object not stored, or stored
// otherwise, as a change. A data source that Terraform reads again in the
// apply (one in a check block always is) makes the plan report changes
// without changing anything, so a plan with changes is read to tell. The
// plan's output goes to out (nil discards it), and tf's stdout stays set to
// out afterwards; the plan's JSON, which holds the secrets in state, is
// never written there.
func PlanNoChanges(ctx context.Context, tf *tfexec.Terraform, out io.Writer, opts ...tfexec.PlanOption) error {
	tf.SetStdout(cmp.Or[io.Writer](out, io.Discard))
	defer tf.SetStdout(cmp.Or[io.Writer](out, io.Discard))
	planFile := filepath.Join(tf.WorkingDir(), "no-changes.tfplan")
	changes, err := tf.Plan(ctx, append(opts, tfexec.Out(planFile))...)
	if err != nil || !changes {
		return err
	}
	var showOpts []tfexec.ShowOption // the reattach option, when there is one
	for _, o := range opts {
		if show, ok := o.(tfexec.ShowOption); ok {
			showOpts = append(showOpts, show)
		}
	}
	tf.SetStdout(io.Discard)
	plan, err := tf.ShowPlanFile(ctx, planFile, showOpts...)
	if err != nil {
		return err
	}
	for _, rc := range plan.ResourceChanges {
		if rc.Mode == tfjson.ManagedResourceMode && rc.Change != nil && !rc.Change.Actions.NoOp() {
			return fmt.Errorf("the plan after apply has changes: %s %v", rc.Address, rc.Change.Actions)
		}
	}
	return nil
}

// ExitInterrupted is RunInterruptible's exit status when a signal stopped run.
const ExitInterrupted = 130

// RunInterruptible runs run under a context that SIGINT or SIGTERM cancels
// (terraform-exec then interrupts the CLI) and returns run's error with its
// exit status: 0 on success, ExitInterrupted when a signal stopped it, 1
// otherwise.
func RunInterruptible(run func(context.Context) error) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx)
	interrupted := ctx.Err() != nil // read before stop, which cancels ctx too
	stop()
	switch {
	case err == nil:
		return 0, nil
	case interrupted:
		return ExitInterrupted, err
	default:
		return 1, err
	}
}
