package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/hashicorp/go-version"
)

// cli is one Terraform or OpenTofu binary of the matrix.
type cli struct {
	Kind    string // "terraform" or "tofu"
	Path    string
	Version *version.Version
	Label   string // e.g. "terraform 1.14.5-dev"
}

// resolveCLI finds or builds the CLI a -cli value names.
func resolveCLI(spec string) (cli, error) {
	kind, wanted, pinned := strings.Cut(spec, "@")
	if kind != "terraform" && kind != "tofu" {
		return cli{}, fmt.Errorf("-cli %q: want terraform, terraform@VERSION or tofu@VERSION", spec)
	}
	var path string
	var err error
	if pinned {
		path, err = buildCLI(kind, wanted)
	} else {
		path, err = exec.LookPath(kind)
	}
	if err != nil {
		return cli{}, fmt.Errorf("-cli %q: %w", spec, err)
	}
	v, err := cliVersion(path)
	if err != nil {
		return cli{}, fmt.Errorf("-cli %q: %w", spec, err)
	}
	return cli{Kind: kind, Path: path, Version: v, Label: kind + " " + v.String()}, nil
}

// buildCLI runs tools/build-cli.sh, which prints the cached binary's path
// and builds it first when it is not cached.
func buildCLI(kind, wanted string) (string, error) {
	cmd := exec.Command("tools/build-cli.sh", kind, wanted)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("tools/build-cli.sh %s %s: %w", kind, wanted, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// cliVersion reads `version -json`, which both CLIs answer with a
// terraform_version field.
func cliVersion(path string) (*version.Version, error) {
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		return nil, fmt.Errorf("%s version -json: %w", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.NewDecoder(bytes.NewReader(out)).Decode(&v); err != nil {
		return nil, fmt.Errorf("%s version -json: %w", path, err)
	}
	return version.NewVersion(v.Version)
}

// env is what the acceptance tests need to run on this CLI:
// terraform-plugin-testing's TF_ACC_TERRAFORM_PATH, and for OpenTofu
// TF_ACC_PROVIDER_HOST, since `source = "retivo/retivo"` means
// registry.opentofu.org/retivo/retivo there.
func (c cli) env() []string {
	host := ""
	if c.Kind == "tofu" {
		host = "registry.opentofu.org"
	}
	return []string{"TF_ACC=1", "CHECKPOINT_DISABLE=1", "TF_ACC_TERRAFORM_PATH=" + c.Path, "TF_ACC_PROVIDER_HOST=" + host}
}

func (c cli) atLeast(major, minor int) bool {
	s := c.Version.Segments()
	return s[0] > major || (s[0] == major && s[1] >= minor)
}

func (c cli) logName() string {
	return strings.NewReplacer(" ", "-", "/", "-").Replace(c.Label) + ".log"
}
