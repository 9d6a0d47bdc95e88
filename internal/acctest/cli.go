package acctest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

// CLI runs the CLI under test (TF_ACC_TERRAFORM_PATH, else terraform) through
// terraform-exec in a directory of its own, one command at a time, for what
// terraform-plugin-testing does not show: human-readable output, validate,
// logs. Output is stdout and stderr in one text; -no-color and -input=false
// are implied.
type CLI struct {
	Dir      string
	tf       *tfexec.Terraform
	reattach *tfexec.ReattachOption // of nothing when the CLI starts the provider itself
	rawEnv   []string               // the environment of command
}

// NewCLI writes config to a fresh directory, serves the provider in this
// process for the CLI to reattach to, and runs init.
func NewCLI(t *testing.T, config string) *CLI {
	t.Helper()
	return NewCLIFiles(t, map[string]string{"main.tf": config})
}

// NewCLIFiles is NewCLI for a configuration of several files, by name.
func NewCLIFiles(t *testing.T, files map[string]string) *CLI {
	t.Helper()
	files, dir := configFiles(t, files), t.TempDir()
	// Provider logs follow TF_LOG like terraform-plugin-testing's do.
	reattach, stop, err := tfcli.ServeAt(ProviderAddress(), tf6server.WithLoggingSink(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	files[".terraformrc"] = "" // a private, empty CLI config
	c := newCLI(t, dir, files, tfcli.PrivateEnv(filepath.Join(dir, ".terraformrc")), reattach)
	if out, err := c.run(t, func(ctx context.Context) error { return c.tf.Init(ctx, c.reattach) }); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	return c
}

// NewDevOverridesCLI is NewCLI with the provider built and run the way
// Terraform runs an installed one (dev_overrides): a provider process for
// each command, and each walk of one, as users see it.
func NewDevOverridesCLI(t *testing.T, config string) *CLI {
	t.Helper()
	files, dir, providerDir := configFiles(t, map[string]string{"main.tf": config}), t.TempDir(), t.TempDir()
	_, self, _, _ := runtime.Caller(0)
	build := exec.Command("go", "build", "-o", filepath.Join(providerDir, "terraform-provider-retivo"), ".")
	build.Dir = filepath.Join(filepath.Dir(self), "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env, err := tfcli.DevOverridesEnv(dir, map[string]string{ProviderAddress(): providerDir})
	if err != nil {
		t.Fatal(err)
	}
	return newCLI(t, dir, files, env, nil)
}

// newCLI writes files into dir and sets up the CLI under test there.
func newCLI(t *testing.T, dir string, files map[string]string, env []string, reattach tfexec.ReattachInfo) *CLI {
	t.Helper()
	path, err := lookTerraform()
	if err != nil {
		t.Fatal(err)
	}
	c := &CLI{Dir: dir, reattach: tfexec.Reattach(reattach), rawEnv: append(env, "TF_IN_AUTOMATION=1")}
	if reattach != nil {
		info, _ := json.Marshal(reattach)
		c.rawEnv = append(c.rawEnv, "TF_REATTACH_PROVIDERS="+string(info))
	}
	if c.tf, err = tfcli.NewTerraform(dir, path, env, files); err != nil {
		t.Fatal(err)
	}
	return c
}

// configFiles skips the test unless TF_ACC is set, and adds to files a
// required_providers block for the provider's source unless one has one.
func configFiles(t *testing.T, files map[string]string) map[string]string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run tests that drive the Terraform CLI")
	}
	files = maps.Clone(files)
	if !strings.Contains(strings.Join(slices.Collect(maps.Values(files)), ""), "required_providers") {
		files["terraform.tf"] = `terraform {
  required_providers {
    retivo = { source = "retivo/retivo" }
  }
}
`
	}
	return files
}

// WriteMain replaces the configuration's main.tf, for a test's next step.
func (c *CLI) WriteMain(t *testing.T, config string) {
	t.Helper()
	if err := tfcli.WriteFiles(c.Dir, map[string]string{"main.tf": config}); err != nil {
		t.Fatal(err)
	}
}

// TraceLog makes the next commands but Exec and Start write a TRACE log to
// path: Terraform's, and the provider's when the CLI starts it; "" stops it.
func (c *CLI) TraceLog(path string) {
	_ = c.tf.SetLogPath(path) // TF_LOG=TRACE, as no other level is set; never fails
}

// Apply runs apply -auto-approve.
func (c *CLI) Apply(t *testing.T, opts ...tfexec.ApplyOption) (string, error) {
	return c.run(t, func(ctx context.Context) error { return c.tf.Apply(ctx, append(opts, c.reattach)...) })
}

// Plan runs plan; changes is what -detailed-exitcode tells.
func (c *CLI) Plan(t *testing.T, opts ...tfexec.PlanOption) (out string, changes bool, err error) {
	out, err = c.run(t, func(ctx context.Context) (err error) {
		changes, err = c.tf.Plan(ctx, append(opts, c.reattach)...)
		return err
	})
	return out, changes, err
}

// Destroy runs destroy -auto-approve.
func (c *CLI) Destroy(t *testing.T, opts ...tfexec.DestroyOption) (string, error) {
	return c.run(t, func(ctx context.Context) error { return c.tf.Destroy(ctx, append(opts, c.reattach)...) })
}

// Import runs import.
func (c *CLI) Import(t *testing.T, address, id string) (string, error) {
	return c.run(t, func(ctx context.Context) error { return c.tf.Import(ctx, address, id, c.reattach) })
}

// Show is the state that show -json prints.
func (c *CLI) Show(t *testing.T) (state *tfjson.State, err error) {
	_, err = c.run(t, func(ctx context.Context) (err error) {
		state, err = c.tf.Show(ctx, c.reattach)
		return err
	})
	return state, err
}

// MustApply, MustPlan, MustDestroy, MustShow and MustExec fail the test when
// the command fails.
func (c *CLI) MustApply(t *testing.T, opts ...tfexec.ApplyOption) string {
	t.Helper()
	return must(t, "apply")(c.Apply(t, opts...))
}

func (c *CLI) MustPlan(t *testing.T, opts ...tfexec.PlanOption) string {
	t.Helper()
	out, _, err := c.Plan(t, opts...)
	return must(t, "plan")(out, err)
}

func (c *CLI) MustDestroy(t *testing.T, opts ...tfexec.DestroyOption) string {
	t.Helper()
	return must(t, "destroy")(c.Destroy(t, opts...))
}

func (c *CLI) MustShow(t *testing.T) *tfjson.State {
	t.Helper()
	state, err := c.Show(t)
	must(t, "show -json")("", err)
	return state
}

func (c *CLI) MustExec(t *testing.T, args ...string) string {
	t.Helper()
	return must(t, strings.Join(args, " "))(c.Exec(t, "", args...))
}

func must(t *testing.T, command string) func(string, error) string {
	return func(out string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatalf("terraform %s: %v\n%s", command, err, out)
		}
		return out
	}
}

// run runs one terraform-exec command under the test's context and returns
// its stdout followed by its stderr. The two are kept apart: tfexec copies
// them in two goroutines, so one text would interleave them differently on
// each run, cutting Terraform's error messages with progress lines.
func (c *CLI) run(t *testing.T, command func(context.Context) error) (string, error) {
	var stdout, stderr bytes.Buffer
	c.tf.SetStdout(&stdout)
	c.tf.SetStderr(&stderr)
	err := command(t.Context())
	if exit := (*exec.ExitError)(nil); errors.As(err, &exit) {
		err = exit // tfexec's error repeats the stderr returned
	}
	return stdout.String() + stderr.String(), err
}

// Exec runs a command as given, with stdin, for what terraform-exec cannot
// run here: validate and test (no reattach option, JSON output only),
// console (no stdin), query (JSON output only), state list, state show, show
// without -json and apply -invoke (absent).
func (c *CLI) Exec(t *testing.T, stdin string, args ...string) (string, error) {
	cmd, out := c.command(t, args...)
	cmd.Stdin = strings.NewReader(stdin)
	err := cmd.Run()
	return out.String(), err
}

// Start starts a command for the tests that send it a signal of their own
// choosing (terraform-exec only interrupts, on cancellation); the caller
// waits for cmd. out collects its output.
func (c *CLI) Start(t *testing.T, args ...string) (cmd *exec.Cmd, out *bytes.Buffer, err error) {
	cmd, out = c.command(t, args...)
	return cmd, out, cmd.Start()
}

// Script runs a shell script of the docs (examples/ci/plan-gate.sh, say) in
// the configuration's directory, with the CLI under test as $TERRAFORM.
func (c *CLI) Script(t *testing.T, path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	out := &bytes.Buffer{}
	cmd := exec.CommandContext(t.Context(), "sh", abs)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = c.Dir, append(c.rawEnv, "TERRAFORM="+c.tf.ExecPath()), out, out
	err = cmd.Run()
	return out.String(), err
}

// command is the one raw run of the CLI, killed if the test ends first.
func (c *CLI) command(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	out := &bytes.Buffer{}
	cmd := exec.CommandContext(t.Context(), c.tf.ExecPath(), args...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = c.Dir, c.rawEnv, out, out
	return cmd, out
}

// ProviderAddress is the address the CLI under test resolves the source
// "retivo/retivo" to. terraform-plugin-testing's TF_ACC_PROVIDER_HOST names
// the registry host: registry.opentofu.org when the CLI is OpenTofu.
func ProviderAddress() string {
	return tfcli.AddressOnHost(os.Getenv("TF_ACC_PROVIDER_HOST"))
}

func lookTerraform() (string, error) {
	return exec.LookPath(cmp.Or(os.Getenv("TF_ACC_TERRAFORM_PATH"), "terraform"))
}

var cliVersion = sync.OnceValues(func() (*version.Version, error) {
	path, err := lookTerraform()
	if err != nil {
		return nil, err
	}
	return tfcli.Version(context.Background(), path)
})

// TerraformVersion is the version of the CLI under test, asked once.
func TerraformVersion(t *testing.T) *version.Version {
	t.Helper()
	v, err := cliVersion()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	return v
}

// SkipBelow skips a test of a feature the CLI under test lacks, before the
// given Terraform version (OpenTofu's own version is below every Terraform
// version with the newer features); make testacc-matrix runs it elsewhere.
func SkipBelow(t *testing.T, minimum *version.Version, feature string) {
	t.Helper()
	if v := TerraformVersion(t); v.LessThan(minimum) {
		t.Skipf("%s needs Terraform %s or later; this CLI is %s (make testacc-matrix runs it on Terraform 1.14)",
			feature, minimum, v)
	}
}
