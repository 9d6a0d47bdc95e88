package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/sdklog"
)

// `make demo > out.txt`: with stdout a file, the whole demo runs, and the
// file has no colour codes and no warning (the provider is served through
// TF_REATTACH_PROVIDERS, so Terraform has no dev_overrides box to print).
func TestDemo_outputToAFileIsPlain(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the demo, which drives the Terraform CLI")
	}
	// run changes this process's environment: restore it afterwards.
	for _, name := range append(sdklog.Variables, provider.EnvVars...) {
		t.Setenv(name, os.Getenv(name))
	}
	t.Chdir("../../..")
	out, err := os.Create(filepath.Join(t.TempDir(), "out.txt"))
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := os.Stdout, os.Stderr
	os.Stdout, os.Stderr = out, out
	runErr := run(context.Background())
	os.Stdout, os.Stderr = stdout, stderr
	out.Close()
	data, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if runErr != nil {
		t.Fatalf("demo: %v\n%s", runErr, text)
	}
	if strings.Contains(text, "\x1b") {
		t.Errorf("the demo wrote escape codes to a file:\n%q", text)
	}
	if strings.Contains(strings.ToLower(text), "warning") {
		t.Errorf("the demo printed a warning:\n%s", text)
	}
	if !strings.Contains(text, "Done: applied, verified a clean second plan, destroyed.") {
		t.Errorf("the demo did not finish:\n%s", text)
	}
}
