// Command demo is `make demo`: the provider end to end with no Retivo
// account. It serves the provider in this process, starts the local Retivo
// server and a webhook receiver, and drives the terraform CLI on PATH
// through terraform-exec, reattached to the provider (so Terraform prints no
// dev_overrides warning) with a private, empty CLI config: apply
// examples/demo, which shows the outputs, a second plan that must have no
// changes, destroy. terraform-exec passes -no-color, also on a terminal.
//
// Nothing outlives it: the servers live in this process and the working
// directory is temporary, also on failure or Ctrl-C, which interrupts
// terraform once (it runs in a process group of its own) and lets it stop.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/sdklog"
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
	source, err := os.ReadFile(filepath.Join("examples", "demo", "main.tf"))
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "retivo-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	step("Serving the provider in this process")
	if err := sdklog.Quiet(os.Setenv); err != nil { // no Terraform filters its logs here
		return err
	}
	serveCtx, stopProvider := context.WithCancel(context.Background())
	reattach, providerStopped, err := tfcli.ServeAt(serveCtx, tfcli.ProviderAddress)
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

	// A private, empty CLI config: the user's own ~/.terraformrc and
	// TF_CLI_CONFIG_FILE are never read or touched.
	dir, cliConfig := filepath.Join(work, "config"), filepath.Join(work, "terraform.rc")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return err
	}
	for path, content := range map[string][]byte{filepath.Join(dir, "main.tf"): source, cliConfig: nil} {
		if err := os.WriteFile(path, content, 0o600); err != nil {
			return err
		}
	}
	execPath, err := exec.LookPath("terraform")
	if err != nil {
		return err
	}
	tf, err := tfcli.NewTerraform(dir, execPath, tfcli.PrivateEnv(cliConfig))
	if err != nil {
		return err
	}
	_ = tf.SetWaitDelay(30 * time.Second) // after an interrupt, then it is killed
	// init installs nothing for the reattached provider, and prints nothing
	// unless it fails. Errors (stderr) come with the error terraform-exec
	// returns, printed at the end.
	if err := tf.Init(ctx, tfexec.Reattach(reattach)); err != nil {
		return fmt.Errorf("terraform init: %w", err)
	}
	tf.SetStdout(os.Stdout)
	variable := tfexec.Var("receiver_url=" + receiverURL + "/receiver")

	step("terraform apply")
	if err := tf.Apply(ctx, tfexec.Reattach(reattach), variable); err != nil {
		return fmt.Errorf("terraform apply: %w", err)
	}
	fmt.Printf("\n  The receiver got %d signed test deliveries; the server holds %d endpoints.\n",
		len(receiver.Deliveries()), len(server.Endpoints()))

	step("terraform plan (must report no changes)")
	if changes, err := tf.Plan(ctx, tfexec.Reattach(reattach), variable); err != nil {
		return fmt.Errorf("terraform plan: %w", err)
	} else if changes {
		return errors.New("the second plan has changes: the provider is not idempotent")
	}
	fmt.Println("  No changes: the infrastructure matches the configuration.")

	step("terraform destroy")
	if err := tf.Destroy(ctx, tfexec.Reattach(reattach), variable); err != nil {
		return fmt.Errorf("terraform destroy: %w", err)
	}
	if left := len(server.Endpoints()); left != 0 {
		return fmt.Errorf("%d endpoints left on the server after destroy", left)
	}
	step("Done: applied, verified a clean second plan, destroyed. Nothing is left running.")
	return nil
}

func step(title string) { fmt.Printf("\n==> %s\n", title) }
