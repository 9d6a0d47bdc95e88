// Command testmatrix runs the provider's acceptance suite once per Terraform
// or OpenTofu CLI through gotestsum (make testacc-matrix), then gives the
// verdict: the matrix fails when a test failed on any CLI, or was skipped on
// every CLI. A test skips itself on a CLI that lacks its feature (identity
// before Terraform 1.12, actions and list resources before 1.14), so it must
// run on another one, or nothing tests that feature.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	var clis []string
	flag.Func("cli", "a CLI to run the suite on: terraform (the one on PATH), terraform@VERSION or tofu@VERSION "+
		"(built by tools/build-cli.sh); repeatable", func(v string) error { clis = append(clis, v); return nil })
	runPattern := flag.String("run", "^TestAcc", "go test -run pattern")
	flag.Parse()
	jsonDir, err := os.MkdirTemp("", "retivo-testmatrix-")
	if err != nil {
		fmt.Fprintf(os.Stderr, "testmatrix: %v\n", err)
		os.Exit(1)
	}
	runs := make([]cliRun, len(clis))
	for i, spec := range clis {
		runs[i] = runSuite(spec, *runPattern, filepath.Join(jsonDir, strings.ReplaceAll(spec, "@", "-")+".json"))
	}
	fmt.Printf("\n=== verdict (gotestsum's --jsonfile per CLI in %s)\n", jsonDir)
	for _, run := range runs {
		fmt.Printf("%s: %d skipped: %s\n", run.CLI, len(run.Skipped), strings.Join(run.Skipped, ", "))
	}
	if problems := verdict(runs); len(problems) > 0 {
		fmt.Printf("FAIL:\n  %s\n", strings.Join(problems, "\n  "))
		os.Exit(1)
	}
	fmt.Println("PASS: no test failed, and every test ran on at least one CLI")
}

// cliRun is the outcome of the suite on one CLI.
type cliRun struct {
	CLI     string
	Skipped []string // full test names (TestX/sub)
	Err     error    // a failed test, a build error or panic, or no such CLI
}

// runSuite runs the suite on the CLI that spec names, with gotestsum printing
// one line per package, then the skipped tests with their reasons.
func runSuite(spec, runPattern, jsonFile string) cliRun {
	kind, version, pinned := strings.Cut(spec, "@")
	path, err := exec.LookPath(kind)
	if pinned { // build-cli.sh (which knows terraform and tofu) prints the cached binary, built first if need be
		build := exec.Command("tools/build-cli.sh", kind, version)
		build.Stderr = os.Stderr
		out, buildErr := build.Output()
		path, err = strings.TrimSpace(string(out)), buildErr
	}
	if err != nil {
		return cliRun{CLI: spec, Err: err}
	}
	fmt.Printf("=== %s (%s)\n", spec, path)
	// `source = "retivo/retivo"` means registry.opentofu.org/retivo/retivo to
	// OpenTofu: the tests' provider factories must be keyed by that host.
	host := map[string]string{"tofu": "registry.opentofu.org"}[kind]
	cmd := exec.Command("go", "tool", "-modfile=tools/go.mod", "gotestsum", "--format", "pkgname", "--jsonfile", jsonFile,
		"--", "-count=1", "-timeout", "40m", "-run", runPattern, "./internal/provider/...")
	cmd.Env = append(os.Environ(), "TF_ACC=1", "CHECKPOINT_DISABLE=1", "TF_ACC_TERRAFORM_PATH="+path, "TF_ACC_PROVIDER_HOST="+host)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	run := cliRun{CLI: spec, Err: cmd.Run()}
	events, err := os.ReadFile(jsonFile)
	if err == nil {
		run.Skipped, err = skippedTests(events)
	}
	run.Err = errors.Join(run.Err, err)
	return run
}

// skippedTests reads a gotestsum --jsonfile: go test -json events only.
func skippedTests(jsonFile []byte) ([]string, error) {
	var skipped []string
	for line := range bytes.Lines(jsonFile) {
		var event struct{ Action, Test string } // Test is empty in a package's events
		if err := json.Unmarshal(line, &event); err != nil {
			return nil, err
		}
		if event.Action == "skip" && event.Test != "" {
			skipped = append(skipped, event.Test)
		}
	}
	slices.Sort(skipped)
	return skipped, nil
}

// verdict lists what fails the matrix: a failed run, and a test skipped on
// every CLI (it ran nowhere).
func verdict(runs []cliRun) []string {
	if len(runs) == 0 {
		return []string{"no CLI ran: name at least one with -cli"}
	}
	var problems []string
	for _, run := range runs {
		if run.Err != nil {
			problems = append(problems, fmt.Sprintf("%s failed: %v", run.CLI, run.Err))
		}
	}
	everywhere := slices.Clone(runs[0].Skipped)
	for _, run := range runs[1:] {
		everywhere = slices.DeleteFunc(everywhere, func(name string) bool { return !slices.Contains(run.Skipped, name) })
	}
	for _, name := range everywhere {
		problems = append(problems, name+" was skipped on every CLI")
	}
	return problems
}
