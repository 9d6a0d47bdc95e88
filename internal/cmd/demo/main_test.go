package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/retivo/terraform-provider-retivo/internal/provider"
	"github.com/retivo/terraform-provider-retivo/internal/sdklog"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

// prepareDemo lets a test call run as make demo does: from the repository's
// root, with this process's environment restored afterwards (run changes
// it). The demo drives the Terraform CLI, so it needs TF_ACC.
func prepareDemo(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("set TF_ACC=1 to run the demo, which drives the Terraform CLI")
	}
	for _, name := range append(sdklog.Variables, provider.EnvVars...) {
		t.Setenv(name, os.Getenv(name))
	}
	t.Chdir("../../..")
}

// `make demo > out.txt`: with stdout a file, the whole demo runs, and the
// file has no colour codes and no warning (the provider is served through
// TF_REATTACH_PROVIDERS, so Terraform has no dev_overrides box to print).
func TestDemo_outputToAFileIsPlain(t *testing.T) {
	prepareDemo(t)
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
	// The outputs once, after the apply; counts in the right number.
	if n := strings.Count(text, "\nOutputs:\n"); n != 1 || strings.Contains(text, "-> null") {
		t.Errorf("the demo shows the outputs %d times, or again as they are destroyed:\n%s", n, text)
	}
	if !regexp.MustCompile(`The receiver got (1 signed test delivery|([02-9]|\d\d+) signed test deliveries); the server holds (1 endpoint|([02-9]|\d\d+) endpoints)\.`).MatchString(text) {
		t.Errorf("the demo does not count the deliveries and endpoints in words:\n%s", text)
	}
}

// interruptAt is a stdout that sends this process SIGINT, as Ctrl-C would,
// the moment the demo prints step, and returns once the demo's context has
// seen it: the demo is interrupted exactly there, whatever the timing.
type interruptAt struct {
	step   string
	ctx    *atomic.Pointer[context.Context]
	t      *testing.T
	output strings.Builder
	sent   bool
}

func (w *interruptAt) Write(p []byte) (int, error) {
	w.output.Write(p)
	if !w.sent && strings.Contains(w.output.String(), w.step) {
		w.sent = true
		if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
			w.t.Error(err)
		}
		select {
		case <-(*w.ctx.Load()).Done():
		case <-time.After(10 * time.Second):
			w.t.Error("SIGINT did not cancel the demo's context within 10 s")
		}
	}
	return len(p), nil
}

// Ctrl-C once terraform is applying (it has printed "Creating..."): the
// demo exits 130 and says it was interrupted, not that it failed, and by
// then no terraform process is left and its servers no longer listen.
func TestDemo_ctrlCStopsCleanly(t *testing.T) {
	prepareDemo(t)
	var demoCtx atomic.Pointer[context.Context]
	stdout := &interruptAt{step: "Creating...", ctx: &demoCtx, t: t}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(stdout, r); close(copied) }()
	saved := os.Stdout
	os.Stdout = w
	code, runErr := tfcli.RunInterruptible(func(ctx context.Context) error { demoCtx.Store(&ctx); return run(ctx) })
	os.Stdout = saved
	w.Close()
	<-copied
	output := stdout.output.String()
	if code != tfcli.ExitInterrupted || runErr == nil {
		t.Fatalf("exit status %d (%v), want %d after Ctrl-C:\n%s", code, runErr, tfcli.ExitInterrupted, output)
	}
	message := exitMessage(code, runErr)
	if !strings.Contains(message, "demo interrupted: everything it started has stopped") || strings.Contains(message, "failed") {
		t.Errorf("the demo's last words after Ctrl-C: %q", message)
	}
	if strings.Contains(output, "==> Done") {
		t.Errorf("the demo went on after Ctrl-C:\n%s", output)
	}
	if children := childProcesses(t); len(children) > 0 {
		t.Errorf("processes the demo started are still running: %v", children)
	}
	servers := regexp.MustCompile(`(?m)^  (?:Retivo API|receiver): +http://([0-9.:]+)`).FindAllStringSubmatch(output, -1)
	if len(servers) != 2 {
		t.Fatalf("the demo did not print its servers' addresses:\n%s", output)
	}
	for _, server := range servers {
		if conn, err := net.DialTimeout("tcp", server[1], time.Second); err == nil {
			conn.Close()
			t.Errorf("the demo's server at %s still listens", server[1])
		}
	}
}

// childProcesses are the ids of this process's living children, from
// /proc (each thread lists the children it started).
func childProcesses(t *testing.T) []string {
	t.Helper()
	lists, err := filepath.Glob("/proc/self/task/*/children")
	if err != nil || len(lists) == 0 {
		t.Fatalf("no /proc/self/task/*/children to read: %v", err)
	}
	var children []string
	for _, list := range lists {
		data, err := os.ReadFile(list)
		if err != nil {
			continue // the thread has ended
		}
		children = append(children, strings.Fields(string(data))...)
	}
	return children
}

// The demo's counts read as words: one delivery, two deliveries.
func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 endpoints", 1: "1 endpoint", 2: "2 endpoints"} {
		if got := count(n, "endpoint", "endpoints"); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
