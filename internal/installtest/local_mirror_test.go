package installtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"

	"github.com/retivo/terraform-provider-retivo/internal/localserver"
	"github.com/retivo/terraform-provider-retivo/internal/tfcli"
)

// localMirror runs make local-mirror into dir and returns the CLI
// configuration block and the required_providers line it printed.
func localMirror(t *testing.T, dir string, makeArgs ...string) (cliConfig, requiredLine string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "make", append([]string{"-s", "local-mirror", "LOCAL_MIRROR=" + dir}, makeArgs...)...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make local-mirror: %v\n%s%s", err, out, &stderr)
	}
	block := regexp.MustCompile(`(?ms)^provider_installation \{$.*?^\}$`).Find(out)
	line := regexp.MustCompile(`(?m)^\s*(retivo = \{ source = .*\})$`).FindSubmatch(out)
	if block == nil || line == nil {
		t.Fatalf("make local-mirror printed no CLI configuration block or required_providers line:\n%s", out)
	}
	return string(block), string(line[1])
}

// A repository with a root module and a local child module, as a team
// would have it before the first Registry release: make local-mirror, init
// from the mirror with the printed configuration (a lock file entry at the
// mirror's version with an h1: hash), plan; then a rebuild (a new version)
// and init -upgrade, as the target says, move the lock file to it with no
// hand edit, and the plan works again. Terraform and OpenTofu each.
func TestLocalMirror(t *testing.T) {
	if *tofu == "" {
		t.Skip("make test-install runs this test with an OpenTofu CLI (-tofu)")
	}
	mirror := t.TempDir()
	cliConfig, requiredLine := localMirror(t, mirror, "LOCAL_VERSION=0.0.1")
	server := localserver.New(localserver.Options{APIKeys: []string{apiKey}})
	apiURL, stopServer, err := localserver.ServeLoopback(server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopServer)
	required := "terraform {\n  required_providers {\n    " + requiredLine + "\n  }\n}\n"
	files := map[string]string{
		"cli.rc": cliConfig,
		"main.tf": required + `
module "hooks" {
  source = "./modules/hooks"
  url    = "https://example.com/from-a-module"
}
`,
		"modules/hooks/main.tf": required + `
variable "url" {
  type = string
}

resource "retivo_webhook_endpoint" "this" {
  url               = var.url
  subscribed_events = ["order.created"]
}
`,
	}
	type workspace struct {
		name, address, lock string
		tf                  *tfexec.Terraform
	}
	var workspaces []workspace
	for _, c := range []struct{ name, path, hostname string }{
		{"terraform", *terraform, "registry.terraform.io"},
		{"tofu", *tofu, "registry.opentofu.org"},
	} {
		dir := t.TempDir()
		env := tfcli.PrivateEnv(filepath.Join(dir, "cli.rc"), "RETIVO_API_KEY="+apiKey, "RETIVO_BASE_URL="+apiURL+server.PathPrefix())
		tf, err := tfcli.NewTerraform(dir, c.path, env, files)
		if err != nil {
			t.Fatal(err)
		}
		workspaces = append(workspaces, workspace{c.name, tfcli.AddressOnHost(c.hostname), filepath.Join(dir, ".terraform.lock.hcl"), tf})
	}
	ctx := t.Context()
	firstHashes := map[string][]string{}
	for _, w := range workspaces {
		if err := w.tf.Init(ctx); err != nil {
			t.Fatalf("%s init: %v", w.name, err)
		}
		var err error
		if firstHashes[w.name], err = checkLock(w.lock, w.address, "0.0.1"); err != nil {
			t.Fatalf("%s: %v", w.name, err)
		}
		if _, err := w.tf.Plan(ctx); err != nil {
			t.Fatalf("%s plan: %v", w.name, err)
		}
	}

	// A rebuild, a new version that replaces the first in the mirror.
	localMirror(t, mirror, "LOCAL_VERSION=0.0.2")
	for _, w := range workspaces {
		if err := w.tf.Init(ctx, tfexec.Upgrade(true)); err != nil {
			t.Fatalf("%s init -upgrade: %v", w.name, err)
		}
		hashes, err := checkLock(w.lock, w.address, "0.0.2")
		if err != nil {
			t.Fatalf("%s after the rebuild: %v", w.name, err)
		}
		if slices.Equal(hashes, firstHashes[w.name]) {
			t.Errorf("%s: the lock file keeps the first build's hashes %v after the rebuild and init -upgrade", w.name, hashes)
		}
		if _, err := w.tf.Plan(ctx); err != nil {
			t.Fatalf("%s plan: %v", w.name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(mirror, ".build")); !os.IsNotExist(err) {
		t.Errorf("make local-mirror left its build directory in the mirror: %v", err)
	}
}
