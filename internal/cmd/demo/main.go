// Command demo is `make demo`: it shows the provider working end to end with
// no Retivo account. It serves the provider in this process, starts the local
// Retivo server and a webhook receiver, points Terraform at the provider with
// TF_REATTACH_PROVIDERS (as the acceptance tests do, so Terraform prints no
// dev_overrides warning) and a private, empty CLI config, applies
// examples/demo, shows the outputs, checks that a second plan has no
// changes, and destroys. When stdout is not a terminal (a file, a CI log),
// Terraform runs with -no-color.
//
// Nothing outlives it: the servers live in this process and the working
// directory is temporary, also on failure or Ctrl-C.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

const demoKey = "rt_test_demo_0123456789abcdef"

func main() {
	code, err := tfcli.RunInterruptible(run)
	if err != nil {
		fmt.Fprintf(os.Stderr, "\ndemo failed: %v\n", err)
	}
	os.Exit(code)
}

func run(ctx context.Context) error {
	repo, err := os.Getwd()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "retivo-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	step("Serving the provider in this process")
	tfcli.QuietProviderLogs()
	serveCtx, stopProvider := context.WithCancel(context.Background())
	reattach, providerStopped, err := tfcli.Serve(serveCtx)
	if err != nil {
		stopProvider()
		return err
	}
	defer func() { stopProvider(); <-providerStopped }()

	step("Starting the local Retivo server and a webhook receiver")
	server := localserver.New(localserver.Options{APIKeys: []string{demoKey}})
	apiURL, stopAPI, err := localserver.ServeLoopback(server)
	if err != nil {
		return err
	}
	defer stopAPI()
	receiver := localserver.NewReceiver()
	receiverURL, stopReceiver, err := localserver.ServeLoopback(receiver)
	if err != nil {
		return err
	}
	defer stopReceiver()
	baseURL := apiURL + server.PathPrefix()
	fmt.Printf("  Retivo API: %s\n  receiver:   %s\n", baseURL, receiverURL)

	// The provider runs in this process, so it reads its settings from this
	// process's environment; none of the user's own may leak in.
	for _, name := range provider.EnvVars {
		_ = os.Unsetenv(name)
	}
	_ = os.Setenv(provider.EnvAPIKey, demoKey)
	_ = os.Setenv(provider.EnvBaseURL, baseURL)

	tf, err := newTerraform(work, repo, reattach, receiverURL)
	if err != nil {
		return err
	}
	if err := tf.init(ctx); err != nil {
		return err
	}

	step("terraform apply")
	if err := tf.run(ctx, "apply", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	step("Outputs")
	if err := tf.showOutputs(ctx); err != nil {
		return err
	}
	fmt.Printf("  The receiver got %d signed test deliveries; the server holds %d endpoints.\n",
		len(receiver.Deliveries()), len(server.Endpoints()))

	step("terraform plan -detailed-exitcode (must report no changes)")
	if err := tf.run(ctx, "plan", "-detailed-exitcode", "-input=false"); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 2 {
			return errors.New("the second plan has changes: the provider is not idempotent")
		}
		return err
	}
	fmt.Println("  No changes: the infrastructure matches the configuration.")

	step("terraform destroy")
	if err := tf.run(ctx, "destroy", "-auto-approve", "-input=false"); err != nil {
		return err
	}
	if left := len(server.Endpoints()); left != 0 {
		return fmt.Errorf("%d endpoints left on the server after destroy", left)
	}
	step("Done: applied, verified a clean second plan, destroyed. Nothing is left running.")
	return nil
}

func step(title string) { fmt.Printf("\n==> %s\n", title) }

type terraform struct {
	dir     string
	env     []string
	noColor bool
}

// newTerraform prepares a working directory with the demo configuration and
// a private CLI config; the user's own ~/.terraformrc and TF_CLI_CONFIG_FILE
// are never read or touched.
func newTerraform(work, repo, reattach, receiverURL string) (*terraform, error) {
	dir := filepath.Join(work, "config")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	source, err := os.ReadFile(filepath.Join(repo, "examples", "demo", "main.tf"))
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), source, 0o600); err != nil {
		return nil, err
	}
	env, err := tfcli.ReattachEnv(work, reattach, "TF_VAR_receiver_url="+receiverURL+"/receiver")
	if err != nil {
		return nil, err
	}
	return &terraform{dir: dir, env: env, noColor: !isTerminal(os.Stdout)}, nil
}

// isTerminal reports whether f is a terminal (a character device), so that
// colour codes never end up in a file or a CI log.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// init runs terraform init, which installs nothing for the reattached
// provider; its chatter is shown only when it fails.
func (t *terraform) init(ctx context.Context) error {
	cmd := t.command(ctx, "init", "-input=false")
	out, err := cmd.CombinedOutput()
	if err != nil {
		os.Stderr.Write(out)
		return fmt.Errorf("terraform init: %w", err)
	}
	return nil
}

func (t *terraform) command(ctx context.Context, args ...string) *exec.Cmd {
	if t.noColor {
		args = append(args[:1:1], append([]string{"-no-color"}, args[1:]...)...)
	}
	cmd := exec.CommandContext(ctx, "terraform", args...)
	cmd.Dir = t.dir
	cmd.Env = t.env
	// On Ctrl-C the terminal already signals terraform; give it time to stop
	// cleanly rather than killing it outright.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	return cmd
}

func (t *terraform) run(ctx context.Context, args ...string) error {
	cmd := t.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("terraform %s: %w", args[0], err)
	}
	return nil
}

// showOutputs prints the outputs one per line; sensitive ones only as
// "(sensitive value)".
func (t *terraform) showOutputs(ctx context.Context) error {
	cmd := t.command(ctx, "output", "-json")
	cmd.Stderr = os.Stderr
	data, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("terraform output: %w", err)
	}
	var outputs map[string]struct {
		Sensitive bool            `json:"sensitive"`
		Value     json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &outputs); err != nil {
		return fmt.Errorf("reading terraform output -json: %w", err)
	}
	names := make([]string, 0, len(outputs))
	for name := range outputs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		o := outputs[name]
		var compact bytes.Buffer
		value := string(o.Value)
		if json.Compact(&compact, o.Value) == nil {
			value = compact.String()
		}
		if o.Sensitive {
			value = "(sensitive value)"
		}
		fmt.Printf("  %-22s = %s\n", name, value)
	}
	return nil
}
