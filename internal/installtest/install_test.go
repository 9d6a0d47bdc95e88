// Package installtest is `make test-install`: this platform's zip from a
// goreleaser snapshot goes into a filesystem mirror; for Terraform and for
// OpenTofu, init installs it under an exact version constraint, the lock file
// must record that version with an h1: hash, and apply, plan (no changes)
// and destroy run against a local Retivo server. Checksums, the archive's
// layout and the package's hash are left to goreleaser and init, which
// verify them.
package installtest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

var (
	dist      = flag.String("dist", "", "goreleaser's output directory (make release-snapshot); empty skips the test")
	terraform = flag.String("terraform", "terraform", "Terraform CLI to install with")
	tofu      = flag.String("tofu", "", "OpenTofu CLI to install with (tools/build-cli.sh tofu VERSION prints one)")
)

const apiKey = "rt_test_installtest_0123456789"

func TestInstallFromMirror(t *testing.T) {
	if *dist == "" {
		t.Skip("make test-install runs this test on a goreleaser snapshot (-dist)")
	}
	if *tofu == "" {
		t.Fatal("-tofu is required: pass the path tools/build-cli.sh tofu VERSION prints")
	}
	// This platform's zip, found under the name the CLIs look for in a
	// mirror (and the Registry serves): a release whose archives are named
	// otherwise fails here.
	platform := runtime.GOOS + "_" + runtime.GOARCH
	zips, err := filepath.Glob(filepath.Join(*dist, "terraform-provider-retivo_*_"+platform+".zip"))
	if err != nil || len(zips) != 1 {
		t.Fatalf("want one terraform-provider-retivo_VERSION_%s.zip in %s, found %q: run make release-snapshot RELEASE_PLATFORMS=%s",
			platform, *dist, zips, platform)
	}
	version := strings.TrimPrefix(strings.TrimSuffix(filepath.Base(zips[0]), "_"+platform+".zip"), "terraform-provider-retivo_")
	zip, err := os.ReadFile(zips[0])
	if err != nil {
		t.Fatal(err)
	}
	server := localserver.New(localserver.Options{APIKeys: []string{apiKey}})
	apiURL, stopServer, err := localserver.ServeLoopback(server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopServer)
	for _, c := range []struct{ name, path, hostname string }{
		{"terraform", *terraform, "registry.terraform.io"},
		{"tofu", *tofu, "registry.opentofu.org"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// The mirror in the packed layout, HOST/NAMESPACE/TYPE/ holding
			// the zip as released, and a CLI configuration that installs from
			// it only: nothing can come from anywhere else. The user's CLI
			// config, plugin cache and credentials stay out.
			dir, address := t.TempDir(), tfcli.AddressOnHost(c.hostname)
			env := tfcli.PrivateEnv(filepath.Join(dir, "cli.rc"), "RETIVO_API_KEY="+apiKey, "RETIVO_BASE_URL="+apiURL+server.PathPrefix())
			tf, err := tfcli.NewTerraform(dir, c.path, env, map[string]string{
				filepath.Join("mirror", c.hostname, "retivo", "retivo", filepath.Base(zips[0])): string(zip),
				"cli.rc": fmt.Sprintf("provider_installation {\n  filesystem_mirror {\n    path    = %q\n    include = [%q]\n  }\n}\n",
					filepath.Join(dir, "mirror"), address),
				"main.tf": fmt.Sprintf(configTemplate, version),
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx := t.Context()
			if err := tf.Init(ctx); err != nil {
				t.Fatalf("init from the filesystem mirror: %v", err)
			}
			if _, err := checkLock(filepath.Join(dir, ".terraform.lock.hcl"), address, version); err != nil {
				t.Fatal(err)
			}
			if err := tf.Apply(ctx); err != nil {
				t.Fatalf("apply: %v", err)
			}
			if err := tfcli.PlanNoChanges(ctx, tf, nil); err != nil {
				t.Fatalf("plan: %v", err)
			}
			if err := tf.Destroy(ctx); err != nil {
				t.Fatalf("destroy: %v", err)
			}
			if n := len(server.Endpoints()); n != 0 {
				t.Fatalf("%d endpoints left on the server after destroy", n)
			}
		})
	}
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
// (zh: hashes come only from a registry's signed SHA256SUMS), and returns
// the entry's h1: hashes. The CLIs write the lock file in one canonical
// layout, one provider block per address.
func checkLock(path, address, version string) ([]string, error) {
	lock, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	entry := regexp.MustCompile(`(?s)\nprovider "` + regexp.QuoteMeta(address) + `" \{\n.*?\n\}`).Find(lock)
	switch {
	case entry == nil:
		return nil, fmt.Errorf("the lock file has no entry for %s:\n%s", address, lock)
	case !regexp.MustCompile(`\n\s*version\s*=\s*"` + regexp.QuoteMeta(version) + `"\n`).Match(entry):
		return nil, fmt.Errorf("the lock file does not record %s at version %q:\n%s", address, version, entry)
	}
	hashes := regexp.MustCompile(`"(h1:[^"]+)"`).FindAllStringSubmatch(string(entry), -1)
	if len(hashes) == 0 {
		return nil, fmt.Errorf("the lock file's entry for %s has no h1: hash:\n%s", address, entry)
	}
	h1 := make([]string, len(hashes))
	for i, h := range hashes {
		h1[i] = h[1]
	}
	return h1, nil
}

// TestCheckLock feeds checkLock lock files that init could write and that
// the install test must reject: the wrong version, no h1: hash, another
// registry's address.
func TestCheckLock(t *testing.T) {
	const address = "registry.terraform.io/retivo/retivo"
	lock := func(version, hash string) string {
		return `# This file is maintained automatically by "terraform init".
provider "` + address + `" {
  version     = "` + version + `"
  constraints = "` + version + `"
  hashes = [
    "` + hash + `",
  ]
}
`
	}
	for _, tc := range []struct {
		name, lock, address, wantErr string
	}{
		{"locked with h1", lock("0.1.0", "h1:abc="), address, ""},
		{"other version", lock("0.2.0", "h1:abc="), address, "does not record"},
		{"no h1 hash", lock("0.1.0", "zh:abc"), address, "no h1: hash"},
		{"other address", lock("0.1.0", "h1:abc="), "registry.opentofu.org/retivo/retivo", "no entry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".terraform.lock.hcl")
			if err := os.WriteFile(path, []byte(tc.lock), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := checkLock(path, tc.address, "0.1.0")
			if tc.wantErr == "" && err != nil {
				t.Errorf("checkLock: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("checkLock: got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
