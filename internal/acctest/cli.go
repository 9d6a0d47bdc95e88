package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

// RequiredProviders names the provider's source, as every configuration
// outside terraform-plugin-testing must.
const RequiredProviders = `
terraform {
  required_providers {
    retivo = {
      source = "retivo/retivo"
    }
  }
}
`

// CLI runs Terraform commands in a directory of its own against the provider
// served in-process (TF_REATTACH_PROVIDERS), for what terraform-plugin-testing
// does not show: human-readable plan output, `terraform validate`, logs.
type CLI struct {
	Dir string
	Env []string
}

// NewCLI writes config to a fresh directory, serves the provider and runs
// terraform init. The provider stops when the test ends.
func NewCLI(t *testing.T, config string) *CLI {
	t.Helper()
	return NewCLIFiles(t, map[string]string{"main.tf": config})
}

// NewCLIFiles is NewCLI for a configuration of several files, by name. A
// required_providers block is added unless one of them has its own.
func NewCLIFiles(t *testing.T, files map[string]string) *CLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run tests that drive the Terraform CLI")
	}
	dir := writeConfigDir(t, files)
	cliConfig := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	reattach := serveProvider(t)
	c := &CLI{Dir: dir, Env: append(os.Environ(),
		"TF_REATTACH_PROVIDERS="+reattach,
		"TF_CLI_CONFIG_FILE="+cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
	)}
	if out, err := c.Run("init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("terraform init: %v\n%s", err, out)
	}
	return c
}

// writeConfigDir writes a configuration's files, by name, to a fresh
// directory, with a required_providers block unless one of them has its own.
func writeConfigDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	hasRequiredProviders := false
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		hasRequiredProviders = hasRequiredProviders || strings.Contains(content, "required_providers")
	}
	if !hasRequiredProviders {
		if err := os.WriteFile(filepath.Join(dir, "terraform.tf"), []byte(RequiredProviders), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// WriteMain replaces the configuration's main.tf, for a test's next step.
func (c *CLI) WriteMain(t *testing.T, config string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(c.Dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Run runs one terraform command and returns its combined output.
func (c *CLI) Run(args ...string) (string, error) {
	return c.RunInput("", args...)
}

// RunInput is Run with input on the command's standard input, for
// `terraform console`.
func (c *CLI) RunInput(input string, args ...string) (string, error) {
	cmd, out, err := c.command(args...)
	if err != nil {
		return "", err
	}
	cmd.Stdin = strings.NewReader(input)
	err = cmd.Run()
	return out.String(), err
}

// command is one terraform command in the CLI's directory and environment,
// its stdout and stderr collected in out.
func (c *CLI) command(args ...string) (cmd *exec.Cmd, out *bytes.Buffer, err error) {
	path, err := lookTerraform()
	if err != nil {
		return nil, nil, err
	}
	out = &bytes.Buffer{}
	cmd = exec.Command(path, args...)
	cmd.Dir = c.Dir
	cmd.Env = c.Env
	cmd.Stdout = out
	cmd.Stderr = out
	return cmd, out, nil
}

// ProviderAddress is the address the CLI under test resolves the source
// "retivo/retivo" to. terraform-plugin-testing's TF_ACC_PROVIDER_HOST names
// the registry host: registry.opentofu.org when the CLI is OpenTofu.
func ProviderAddress() string {
	return tfcli.AddressOnHost(os.Getenv("TF_ACC_PROVIDER_HOST"))
}

func lookTerraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p, nil
	}
	return exec.LookPath("terraform")
}

// serveProvider serves a fresh provider in debug mode until the test ends
// and returns the TF_REATTACH_PROVIDERS value that points Terraform at it.
func serveProvider(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	// Provider logs follow TF_LOG like terraform-plugin-testing's do, instead
	// of going to stderr unconditionally.
	reattach, closed, err := tfcli.ServeAt(ctx, ProviderAddress(), tf6server.WithLoggingSink(t))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		<-closed
	})
	return reattach
}

// TerraformVersion is the version of the Terraform CLI the tests run.
func TerraformVersion(t *testing.T) *version.Version {
	t.Helper()
	path, err := lookTerraform()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		t.Fatalf("terraform version: %v", err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("terraform version -json: %v", err)
	}
	parsed, err := version.NewVersion(v.Version)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// MustRun runs one command and fails the test when it exits non-zero.
func (c *CLI) MustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := c.Run(args...)
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// SkipBelow skips a test that drives a feature the CLI under test lacks
// before the given Terraform version (OpenTofu reports its own version,
// which is below every Terraform version with the newer features). The CLI
// matrix (make testacc-matrix) runs the test on a CLI that has the feature.
func SkipBelow(t *testing.T, minimum *version.Version, feature string) {
	t.Helper()
	if v := TerraformVersion(t); v.LessThan(minimum) {
		t.Skipf("%s needs Terraform %s or later; this CLI is %s (make testacc-matrix runs it on Terraform 1.14)",
			feature, minimum, v)
	}
}

// Start starts one terraform command without waiting for it, for tests that
// interrupt or kill it; the caller waits for cmd. out collects its output.
func (c *CLI) Start(args ...string) (cmd *exec.Cmd, out *bytes.Buffer, err error) {
	cmd, out, err = c.command(args...)
	if err != nil {
		return nil, nil, err
	}
	return cmd, out, cmd.Start()
}

// NewDevOverridesCLI is NewCLI with the provider built and run the way
// Terraform runs an installed one: a dev_overrides CLI configuration, so the
// CLI starts its own provider process for each command (and each walk of
// one), which is what users see. NewCLI's in-process provider serves every
// command from one process instead. The build is cached by Go's build cache.
func NewDevOverridesCLI(t *testing.T, config string) *CLI {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run tests that drive the Terraform CLI")
	}
	providerDir := t.TempDir()
	_, self, _, _ := runtime.Caller(0)
	build := exec.Command("go", "build", "-o", filepath.Join(providerDir, "terraform-provider-retivo"), ".")
	build.Dir = filepath.Join(filepath.Dir(self), "..", "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := writeConfigDir(t, map[string]string{"main.tf": config})
	env, err := tfcli.DevOverridesEnv(dir, map[string]string{ProviderAddress(): providerDir}, "TF_IN_AUTOMATION=1")
	if err != nil {
		t.Fatal(err)
	}
	return &CLI{Dir: dir, Env: env}
}
