// Command testmatrix runs the provider's acceptance suite once per Terraform
// or OpenTofu CLI and prints a pass/fail table (make testacc-matrix).
//
// The CLIs are named with -cli (make testacc-matrix names the project's:
// the terraform on PATH and the versions set in the GNUmakefile); the newer
// ones are built from the Go module proxy by tools/build-cli.sh and cached. A test that skips itself on one CLI (a
// feature the CLI lacks) must run on another: a test skipped on every CLI
// fails the matrix. With a Terraform 1.14 in the matrix, the schema the docs
// are generated from (internal/cmd/schemajson, which augments what the older
// CLI on PATH reports) is also compared with what 1.14 reports itself.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// cliFlag collects -cli values: "terraform" (the one on PATH),
// "terraform@1.14.5" or "tofu@1.10.10".
type cliFlag []string

func (f *cliFlag) String() string     { return strings.Join(*f, ",") }
func (f *cliFlag) Set(v string) error { *f = append(*f, v); return nil }

func main() {
	var clis cliFlag
	flag.Var(&clis, "cli", "a CLI to run the suite on: terraform (the one on PATH), terraform@VERSION or tofu@VERSION; repeatable, at least once")
	run := flag.String("run", "^TestAcc", "go test -run pattern: the acceptance suite")
	pkgs := flag.String("pkg", "./internal/provider/...", "packages to test")
	logDir := flag.String("logs", "", "directory for each CLI's go test output (default: a temporary one)")
	flag.Parse()
	if len(clis) == 0 {
		fmt.Fprintln(os.Stderr, "testmatrix: name at least one CLI with -cli, such as -cli terraform -cli tofu@1.10.10 "+
			"(make testacc-matrix names the project's)")
		os.Exit(2)
	}
	if err := runMatrix(clis, *run, *pkgs, *logDir, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "testmatrix: %v\n", err)
		os.Exit(1)
	}
}

func runMatrix(specs []string, runPattern, pkgs, logDir string, out io.Writer) error {
	if logDir == "" {
		dir, err := os.MkdirTemp("", "retivo-testmatrix-")
		if err != nil {
			return err
		}
		logDir = dir
	}
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return err
	}
	var rows []row
	for _, spec := range specs {
		cli, err := resolveCLI(spec)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "=== %s (%s)\n", cli.Label, cli.Path)
		r, err := runSuite(cli, runPattern, pkgs, filepath.Join(logDir, cli.logName()))
		if err != nil {
			return err
		}
		rows = append(rows, r)
		fmt.Fprintf(out, "    %d passed, %d failed, %d skipped in %s (log: %s)\n",
			len(r.Results.Passed), len(r.Results.Failed), len(r.Results.Skipped), r.Elapsed.Round(time.Second), r.Log)
	}
	var problems []string
	for _, cli := range rowsCLIs(rows) {
		if cli.Kind == "terraform" && cli.atLeast(1, 14) {
			fmt.Fprintf(out, "=== docs schema against %s providers schema -json\n", cli.Label)
			if err := compareDocsSchema(cli); err != nil {
				problems = append(problems, "docs schema: "+err.Error())
			} else {
				fmt.Fprintln(out, "    the schema the docs are generated from matches")
			}
			break
		}
	}
	printTable(out, rows)
	problems = append(problems, verdict(rows)...)
	if len(problems) > 0 {
		return fmt.Errorf("the matrix failed:\n  %s", strings.Join(problems, "\n  "))
	}
	fmt.Fprintln(out, "PASS: every CLI passed, and no test was skipped on every CLI")
	return nil
}

// row is one CLI's outcome.
type row struct {
	CLI     cli
	Results results
	Elapsed time.Duration
	Log     string
}

func rowsCLIs(rows []row) []cli {
	out := make([]cli, len(rows))
	for i, r := range rows {
		out[i] = r.CLI
	}
	return out
}

// runSuite runs go test -json for one CLI, teeing the raw output into logPath.
func runSuite(c cli, runPattern, pkgs, logPath string) (row, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return row{}, err
	}
	defer logFile.Close()
	cmd := exec.Command("go", "test", "-json", "-count=1", "-timeout", "40m", "-run", runPattern, pkgs)
	cmd.Env = append(os.Environ(), c.env()...)
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return row{}, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return row{}, err
	}
	res, parseErr := parseTestEvents(io.TeeReader(stdout, logFile))
	waitErr := cmd.Wait()
	if parseErr != nil {
		return row{}, fmt.Errorf("%s: reading go test -json: %w", c.Label, parseErr)
	}
	if waitErr != nil && len(res.Failed) == 0 {
		// go test failed without a failing test: a build error or a panic.
		res.Failed = append(res.Failed, "(go test: "+waitErr.Error()+"; see the log)")
	}
	return row{CLI: c, Results: res, Elapsed: time.Since(start), Log: logPath}, nil
}

func printTable(out io.Writer, rows []row) {
	fmt.Fprintln(out)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CLI\tpassed\tfailed\tskipped\ttime\tresult")
	for _, r := range rows {
		result := "PASS"
		if len(r.Results.Failed) > 0 {
			result = "FAIL"
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%s\t%s\n", r.CLI.Label, len(r.Results.Passed), len(r.Results.Failed),
			len(r.Results.Skipped), r.Elapsed.Round(time.Second), result)
	}
	_ = w.Flush()
	for _, r := range rows {
		if len(r.Results.Skipped) > 0 {
			fmt.Fprintf(out, "skipped on %s: %s\n", r.CLI.Label, strings.Join(r.Results.Skipped, ", "))
		}
		if len(r.Results.Failed) > 0 {
			fmt.Fprintf(out, "FAILED on %s: %s\n", r.CLI.Label, strings.Join(r.Results.Failed, ", "))
		}
	}
}

// verdict lists what makes the matrix fail: any failure, and any test that
// was skipped on every CLI (it ran nowhere).
func verdict(rows []row) []string {
	var problems []string
	for _, r := range rows {
		if len(r.Results.Failed) > 0 {
			problems = append(problems, fmt.Sprintf("%s: %d failed", r.CLI.Label, len(r.Results.Failed)))
		}
	}
	if len(rows) == 0 {
		return append(problems, "no CLI ran")
	}
	everywhere := slices.Clone(rows[0].Results.Skipped)
	for _, r := range rows[1:] {
		everywhere = slices.DeleteFunc(everywhere, func(name string) bool {
			return !slices.Contains(r.Results.Skipped, name)
		})
	}
	for _, name := range everywhere {
		problems = append(problems, name+" was skipped on every CLI")
	}
	return problems
}
