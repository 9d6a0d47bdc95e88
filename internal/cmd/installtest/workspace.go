package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

// workspace is one CLI's private setup: a filesystem mirror holding the
// release's zip, a CLI config that installs only from that mirror, and a
// configuration that pins the release's exact version.
type workspace struct {
	cli    cli
	config string // the configuration's directory
	env    []string
}

// configTemplate pins the exact version: a snapshot's version is a
// prerelease, which Terraform selects only under an exact constraint.
const configTemplate = `terraform {
  required_providers {
    retivo = {
      source  = "retivo/retivo"
      version = "= %s"
    }
  }
}

provider "retivo" {}

resource "retivo_webhook_endpoint" "installed" {
  url               = "https://example.com/installed"
  description       = "installed from a filesystem mirror"
  subscribed_events = ["order.created", "order.paid"]
}

data "retivo_webhook_endpoint" "installed" {
  id = retivo_webhook_endpoint.installed.id
}

output "events" {
  value = data.retivo_webhook_endpoint.installed.subscribed_events
}
`

// cliConfig installs providers from the filesystem mirror at dir only: no
// direct installation, so nothing can come from anywhere else.
func cliConfig(dir, hostname string) string {
	return fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %q
    include = [%q]
  }
}
`, dir, tfcli.AddressOnHost(hostname))
}

func newWorkspace(dir string, c cli, rel *release, baseURL string) (*workspace, error) {
	mirror := filepath.Join(dir, "mirror")
	packed := filepath.Join(mirror, c.hostname, "retivo", "retivo", packedName(rel.version, rel.goos, rel.goarch))
	if err := copyFile(rel.archive, packed); err != nil {
		return nil, err
	}
	rc := filepath.Join(dir, "cli.rc")
	if err := os.WriteFile(rc, []byte(cliConfig(mirror, c.hostname)), 0o600); err != nil {
		return nil, err
	}
	config := filepath.Join(dir, "config")
	if err := os.MkdirAll(config, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(config, "main.tf"), fmt.Appendf(nil, configTemplate, rel.version), 0o600); err != nil {
		return nil, err
	}
	fmt.Printf("  mirror: %s\n", strings.TrimPrefix(packed, mirror+string(filepath.Separator)))

	// The user's CLI config, plugin cache and credentials stay out.
	env := tfcli.PrivateEnv(rc, "TF_IN_AUTOMATION=1", "RETIVO_API_KEY="+apiKey, "RETIVO_BASE_URL="+baseURL)
	return &workspace{cli: c, config: config, env: env}, nil
}

// run runs the CLI in the configuration's directory, its output shown.
func (w *workspace) run(ctx context.Context, args ...string) error {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, w.cli.path, args...)
	cmd.Dir = w.config
	cmd.Env = w.env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	// Let the CLI stop cleanly (and stop the provider) before killing it.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return fmt.Errorf("%s %s: no result within %s", w.cli.name, args[0], commandTimeout)
		}
		return fmt.Errorf("%s %s: %w", w.cli.name, args[0], err)
	}
	return nil
}

// lockedProvider is one provider block of a .terraform.lock.hcl file.
type lockedProvider struct {
	version, constraints string
	hashes               []string
}

// readLockedProvider returns the lock file's block for the provider address.
func readLockedProvider(path, address string) (*lockedProvider, error) {
	file, diags := hclparse.NewParser().ParseHCLFile(path)
	if diags.HasErrors() {
		return nil, fmt.Errorf("reading the lock file: %s", diags.Error())
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("%s is not HCL native syntax", path)
	}
	for _, block := range body.Blocks {
		if block.Type != "provider" || len(block.Labels) != 1 || block.Labels[0] != address {
			continue
		}
		var locked lockedProvider
		for name, attr := range block.Body.Attributes {
			value, diags := attr.Expr.Value(&hcl.EvalContext{})
			if diags.HasErrors() {
				return nil, fmt.Errorf("%s: %s: %s", path, name, diags.Error())
			}
			switch {
			case name == "version" && value.Type() == cty.String:
				locked.version = value.AsString()
			case name == "constraints" && value.Type() == cty.String:
				locked.constraints = value.AsString()
			case name == "hashes" && value.CanIterateElements():
				for _, h := range value.AsValueSlice() {
					if h.Type() == cty.String {
						locked.hashes = append(locked.hashes, h.AsString())
					}
				}
			}
		}
		return &locked, nil
	}
	return nil, fmt.Errorf("%s has no provider %q block", path, address)
}

// check verifies that the lock file recorded the version installed and the
// zip's h1: hash. From a filesystem mirror the CLIs record only h1: (zh:
// hashes come with registry-signed packages).
func (l *lockedProvider) check(version, hash string) error {
	if l.version != version {
		return fmt.Errorf("the lock file records version %q, want %q", l.version, version)
	}
	if !slices.Contains(l.hashes, hash) {
		return fmt.Errorf("the lock file's hashes %q lack the archive's %s", l.hashes, hash)
	}
	return nil
}

// userAgents records the User-Agent header of every request to the API.
type userAgents struct {
	mu     sync.Mutex
	agents []string
}

func (u *userAgents) record(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		if !slices.Contains(u.agents, r.UserAgent()) {
			u.agents = append(u.agents, r.UserAgent())
		}
		u.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (u *userAgents) reset() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.agents = nil
}

func (u *userAgents) seen() []string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.agents)
}

// check verifies that there were requests and that every one sent a
// User-Agent starting with prefix.
func (u *userAgents) check(prefix string) error {
	agents := u.seen()
	if len(agents) == 0 {
		return fmt.Errorf("the server got no requests")
	}
	for _, a := range agents {
		if !strings.HasPrefix(a, prefix) {
			return fmt.Errorf("a request's User-Agent is %q, want one starting with %q", a, prefix)
		}
	}
	return nil
}
