// Command installtest is `make test-install`: this platform's zip from a
// goreleaser snapshot goes into a filesystem mirror; for Terraform and for
// OpenTofu, init installs it under an exact version constraint, the lock file
// must record that version with an h1: hash, and apply, plan (no changes)
// and destroy run against the local Retivo server in this process.
// Checksums, the archive's layout and the package's hash are left to
// goreleaser and init, which verify them. Its files are removed at the end.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsimple"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

const apiKey = "rt_test_installtest_0123456789"

// cliTimeout bounds one CLI's run, init to destroy: a hung command fails.
const cliTimeout = 10 * time.Minute

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
		return run(ctx, *dist, []cli{{"terraform", *terraform, "registry.terraform.io"}, {"tofu", *tofu, "registry.opentofu.org"}})
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "\ninstall test failed: %v\n", err)
	}
	os.Exit(code)
}

// cli is a CLI and the registry host it resolves "retivo/retivo" to.
type cli struct{ name, path, hostname string }

func run(ctx context.Context, dist string, clis []cli) error {
	// This platform's zip, found under the name the CLIs look for in a
	// mirror (and the Registry serves): a release whose archives are named
	// otherwise fails here.
	platform := runtime.GOOS + "_" + runtime.GOARCH
	zips, err := filepath.Glob(filepath.Join(dist, "terraform-provider-retivo_*_"+platform+".zip"))
	if err != nil || len(zips) != 1 {
		return fmt.Errorf("want one terraform-provider-retivo_VERSION_%s.zip in %s, found %q: run make release-snapshot RELEASE_PLATFORMS=%s",
			platform, dist, zips, platform)
	}
	version := strings.TrimPrefix(strings.TrimSuffix(filepath.Base(zips[0]), "_"+platform+".zip"), "terraform-provider-retivo_")
	zip, err := os.ReadFile(zips[0])
	if err != nil {
		return err
	}
	step("Installing %s from %s", version, zips[0])
	work, err := os.MkdirTemp("", "retivo-installtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	server := localserver.New(localserver.Options{APIKeys: []string{apiKey}})
	apiURL, stopServer, err := localserver.ServeLoopback(server)
	if err != nil {
		return err
	}
	defer stopServer()

	for _, c := range clis {
		if err := installAndUse(ctx, c, version, zips[0], zip, apiURL+server.PathPrefix(), filepath.Join(work, c.name), server); err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
	}
	step("Done: Terraform and OpenTofu installed %s from a mirror, locked it with an h1: hash, applied, planned no changes and destroyed.", version)
	return nil
}

// installAndUse is the whole user path for one CLI, in a fresh directory.
func installAndUse(ctx context.Context, c cli, version, archive string, zip []byte, baseURL, dir string, server *localserver.Server) error {
	ctx, cancel := context.WithTimeout(ctx, cliTimeout)
	defer cancel()
	// The mirror in the packed layout, HOST/NAMESPACE/TYPE/ holding the zip
	// as released, and a CLI configuration that installs from it only, with
	// no direct installation: nothing can come from anywhere else. The
	// user's CLI config, plugin cache and credentials stay out.
	address := tfcli.AddressOnHost(c.hostname)
	tf, err := tfcli.NewTerraform(dir, c.path, tfcli.PrivateEnv(filepath.Join(dir, "cli.rc"), "RETIVO_API_KEY="+apiKey, "RETIVO_BASE_URL="+baseURL),
		map[string]string{
			filepath.Join("mirror", c.hostname, "retivo", "retivo", filepath.Base(archive)): string(zip),
			"cli.rc": fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%q]\n  }\n}\n",
				filepath.Join(dir, "mirror"), address),
			"main.tf": fmt.Sprintf(configTemplate, version),
		})
	if err != nil {
		return err
	}
	tf.SetStdout(os.Stdout)
	cliVersion, _, err := tf.Version(ctx, true)
	if err != nil {
		return err
	}
	step("%s %s: init from the filesystem mirror", c.name, cliVersion)
	if err := tf.Init(ctx); err != nil {
		return err
	}
	if err := checkLock(filepath.Join(dir, ".terraform.lock.hcl"), address, version); err != nil {
		return err
	}
	step("%s apply", c.name)
	if err := tf.Apply(ctx); err != nil {
		return err
	}
	step("%s plan (must report no changes)", c.name)
	if err := tfcli.PlanNoChanges(ctx, tf); err != nil {
		return err
	}
	step("%s destroy", c.name)
	if err := tf.Destroy(ctx); err != nil {
		return err
	}
	if n := len(server.Endpoints()); n != 0 {
		return fmt.Errorf("%d endpoints left on the server after destroy", n)
	}
	return nil
}

// configTemplate pins the exact version: a snapshot's version is a
// prerelease, which the CLIs select only under an exact constraint.
const configTemplate = `terraform {
  required_providers {
    retivo = { source = "retivo/retivo", version = "= %s" }
  }
}

resource "retivo_webhook_endpoint" "installed" {
  url               = "https://example.com/installed"
  subscribed_events = ["order.created", "order.paid"]
}
`

// checkLock checks that init locked the provider at address at version with
// an h1: hash, which every later init checks the installed package against
// (zh: hashes come only from a registry's signed SHA256SUMS).
func checkLock(path, address, version string) error {
	var lock struct {
		Providers []struct {
			Address string   `hcl:"address,label"`
			Version string   `hcl:"version"`
			Hashes  []string `hcl:"hashes,optional"`
			Rest    hcl.Body `hcl:",remain"`
		} `hcl:"provider,block"`
	}
	if err := hclsimple.DecodeFile(path, nil, &lock); err != nil {
		return err
	}
	for _, p := range lock.Providers {
		if p.Address != address {
			continue
		}
		if p.Version != version {
			return fmt.Errorf("the lock file records %s at version %q, want %q", address, p.Version, version)
		}
		if !slices.ContainsFunc(p.Hashes, func(h string) bool { return strings.HasPrefix(h, "h1:") }) {
			return fmt.Errorf("the lock file's hashes for %s, %q, have no h1: hash", address, p.Hashes)
		}
		fmt.Printf("  .terraform.lock.hcl: %s %s, hashes %q\n", address, p.Version, p.Hashes)
		return nil
	}
	return fmt.Errorf("the lock file has no entry for %s", address)
}

func step(format string, args ...any) { fmt.Printf("\n==> "+format+"\n", args...) }
