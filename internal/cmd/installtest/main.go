// Command installtest is `make test-install`: it installs the provider the
// way users do, from release artifacts, and uses it. It reads a goreleaser
// snapshot in dist/ (make release-snapshot), checks the artifacts the
// Registry would get (archive and binary names, SHA256SUMS, manifest), lays
// this machine's zip into a filesystem mirror in the packed layout, and for
// Terraform and for OpenTofu runs init under an exact version constraint,
// checks the lock file's h1: hash, the installed binary's -version and the
// User-Agent it sends, then apply, plan (no changes) and destroy against the
// local Retivo server, which runs in this process on a loopback port.
//
// Nothing outlives it: the server lives in this process and every file it
// writes is in a temporary directory, also on failure or Ctrl-C.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/dirhash"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

const apiKey = "rt_test_installtest_0123456789"

// commandTimeout bounds each CLI command; a hung init or apply fails the run.
const commandTimeout = 5 * time.Minute

func main() {
	dist := flag.String("dist", "dist", "goreleaser's output directory (make release-snapshot)")
	terraform := flag.String("terraform", "terraform", "Terraform CLI to install with")
	tofu := flag.String("tofu", "", "OpenTofu CLI to install with (tools/build-cli.sh tofu VERSION prints one)")
	flag.Parse()
	if *tofu == "" {
		fmt.Fprintln(os.Stderr, "installtest: -tofu is required: pass the path tools/build-cli.sh tofu VERSION prints")
		os.Exit(2)
	}

	code, err := tfcli.RunInterruptible(func(ctx context.Context) error {
		return run(ctx, *dist, []cli{
			{name: "terraform", path: *terraform, hostname: "registry.terraform.io"},
			{name: "tofu", path: *tofu, hostname: "registry.opentofu.org"},
		})
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "\ninstall test failed: %v\n", err)
	}
	os.Exit(code)
}

// cli is a Terraform-compatible CLI and the registry host its "retivo/retivo"
// source address resolves to.
type cli struct {
	name, path, hostname string
}

func run(ctx context.Context, dist string, clis []cli) error {
	step("Reading the release in %s", dist)
	rel, err := readRelease(dist, runtime.GOOS, runtime.GOARCH)
	if err != nil {
		return err
	}
	manifest, err := os.ReadFile("terraform-registry-manifest.json")
	if err != nil {
		return err
	}
	if err := rel.check(manifest); err != nil {
		return err
	}
	hash, err := dirhash.HashZip(rel.archive, dirhash.Hash1)
	if err != nil {
		return err
	}
	fmt.Printf("  version %s, %d archives, checksums and manifest match\n  %s (%s)\n",
		rel.version, len(rel.archives), filepath.Base(rel.archive), hash)

	work, err := os.MkdirTemp("", "retivo-installtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	server := localserver.New(localserver.Options{APIKeys: []string{apiKey}})
	agents := &userAgents{}
	apiURL, stopServer, err := localserver.ServeLoopback(agents.record(server))
	if err != nil {
		return err
	}
	defer stopServer()
	baseURL := apiURL + server.PathPrefix()

	for _, c := range clis {
		agents.reset()
		if err := installAndUse(ctx, c, rel, hash, filepath.Join(work, c.name), baseURL, server, agents); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	step("Done: Terraform and OpenTofu installed %s from a mirror, locked its h1: hash, applied, planned no changes and destroyed.", rel.version)
	return nil
}

// installAndUse is the whole user path for one CLI, in a fresh directory.
func installAndUse(ctx context.Context, c cli, rel *release, hash, dir, baseURL string, server *localserver.Server, agents *userAgents) error {
	step("%s: installing %s from a filesystem mirror", c.name, rel.version)
	w, err := newWorkspace(dir, c, rel, baseURL)
	if err != nil {
		return err
	}
	if err := w.run(ctx, "version"); err != nil {
		return err
	}
	if err := w.run(ctx, "init", "-input=false", "-no-color"); err != nil {
		return err
	}
	lockFile := filepath.Join(w.config, ".terraform.lock.hcl")
	locked, err := readLockedProvider(lockFile, tfcli.AddressOnHost(c.hostname))
	if err != nil {
		return err
	}
	if err := locked.check(rel.version, hash); err != nil {
		return err
	}
	lock, err := os.ReadFile(lockFile)
	if err != nil {
		return err
	}
	fmt.Printf("  .terraform.lock.hcl records the archive's h1: hash:\n\n%s\n", lock)

	binary := filepath.Join(w.config, ".terraform", "providers", c.hostname, "retivo", "retivo",
		rel.version, rel.goos+"_"+rel.goarch, "terraform-provider-retivo_v"+rel.version)
	out, err := exec.CommandContext(ctx, binary, "-version").Output()
	if err != nil {
		return fmt.Errorf("%s -version: %w", binary, err)
	}
	if got, want := strings.TrimSpace(string(out)), "terraform-provider-retivo "+rel.version; got != want {
		return fmt.Errorf("the installed binary's -version says %q, want %q", got, want)
	}
	fmt.Printf("  installed binary: %s -version: %s\n", filepath.Base(binary), strings.TrimSpace(string(out)))

	step("%s apply", c.name)
	if err := w.run(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}
	if n := len(server.Endpoints()); n != 1 {
		return fmt.Errorf("after apply the server holds %d endpoints, want 1", n)
	}
	if err := agents.check("terraform-provider-retivo/" + rel.version + " Terraform/"); err != nil {
		return err
	}
	fmt.Printf("  User-Agent: %s\n", strings.Join(agents.seen(), ", "))

	step("%s plan -detailed-exitcode (must report no changes)", c.name)
	if err := w.run(ctx, "plan", "-detailed-exitcode", "-input=false", "-no-color"); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 2 {
			return errors.New("the plan after apply has changes")
		}
		return err
	}

	step("%s destroy", c.name)
	if err := w.run(ctx, "destroy", "-auto-approve", "-input=false", "-no-color"); err != nil {
		return err
	}
	if n := len(server.Endpoints()); n != 0 {
		return fmt.Errorf("%d endpoints left on the server after destroy", n)
	}
	return nil
}

func step(format string, args ...any) { fmt.Printf("\n==> "+format+"\n", args...) }
