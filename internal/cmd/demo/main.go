// Command demo is `make demo`: the provider end to end with no Retivo
// account. It serves the provider, the local Retivo server and a webhook
// receiver in this process and drives the terraform CLI on PATH through
// terraform-exec, reattached (no dev_overrides warning), with a private,
// empty CLI config: apply examples/demo, a plan with no changes, destroy.
// Nothing outlives it, also on failure or Ctrl-C, which interrupts
// terraform once (it runs in a process group of its own) and lets it stop.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
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
	if message := exitMessage(code, err); message != "" {
		fmt.Fprintln(os.Stderr, message)
	}
	os.Exit(code)
}

// exitMessage is what the demo says last: nothing on success; after Ctrl-C,
// that it stopped, since run returns only once it has stopped terraform,
// the provider and the servers; else why it failed.
func exitMessage(code int, err error) string {
	switch {
	case code == tfcli.ExitInterrupted:
		return "\ndemo interrupted: everything it started has stopped."
	case err != nil:
		return fmt.Sprintf("\ndemo failed: %v", err)
	}
	return ""
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
	reattach, stopProvider, err := tfcli.ServeAt(tfcli.ProviderAddress)
	if err != nil {
		return err
	}
	defer stopProvider()

	step("Starting the local Retivo server and a webhook receiver")
	server, receiver := localserver.New(localserver.Options{APIKeys: []string{demoKey}}), localserver.NewReceiver()
	apiURL, stopAPI, err := localserver.ServeLoopback(server)
	if err != nil {
		return err
	}
	defer stopAPI()
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
	tf, err := tfcli.NewTerraform(work, "terraform", tfcli.PrivateEnv(filepath.Join(work, "terraform.rc")),
		map[string]string{"main.tf": string(source), "terraform.rc": ""})
	if err != nil {
		return err
	}
	_ = tf.SetWaitDelay(30 * time.Second) // after an interrupt, then it is killed
	// init prints nothing unless it fails; errors (stderr) come in the
	// error terraform-exec returns, printed at the end.
	if err := tf.Init(ctx, tfexec.Reattach(reattach)); err != nil {
		return fmt.Errorf("terraform init: %w", err)
	}
	tf.SetStdout(os.Stdout)
	variable := tfexec.Var("receiver_url=" + receiverURL + "/receiver")

	step("terraform apply")
	if err := tf.Apply(ctx, tfexec.Reattach(reattach), variable); err != nil {
		return fmt.Errorf("terraform apply: %w", err)
	}
	fmt.Printf("\n  The receiver got %s; the server holds %s.\n",
		count(len(receiver.Deliveries()), "signed test delivery", "signed test deliveries"),
		count(len(server.Endpoints()), "endpoint", "endpoints"))

	step("terraform plan (must report no changes)")
	if err := tfcli.PlanNoChanges(ctx, tf, os.Stdout, tfexec.Reattach(reattach), variable); err != nil {
		return fmt.Errorf("terraform plan: %w", err)
	}
	fmt.Println("  No changes to the endpoints; the gate in the check block reads again in every apply.")

	step("terraform destroy")
	// The destroy's plan would list every output again, as "-> null": the
	// demo shows the outputs once, after the apply.
	tf.SetStdout(io.Discard)
	if err := tf.Destroy(ctx, tfexec.Reattach(reattach), variable); err != nil {
		return fmt.Errorf("terraform destroy: %w", err)
	}
	if left := len(server.Endpoints()); left != 0 {
		return fmt.Errorf("%d endpoints left on the server after destroy", left)
	}
	fmt.Println("  Destroy complete: the server holds no endpoint.")
	step("Done: applied, verified a clean second plan, destroyed. Nothing is left running.")
	return nil
}

func step(title string) { fmt.Printf("\n==> %s\n", title) }

// count is n and the noun for n.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
