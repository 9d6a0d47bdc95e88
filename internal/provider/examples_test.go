package provider_test

import (
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
)

// Every example in examples/ (the Registry docs show them) must be a
// configuration terraform validate accepts.
func TestAccExamples_validate(t *testing.T) {
	t.Parallel()
	dirs := map[string]bool{}
	err := filepath.WalkDir("../../examples", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".tf") {
			dirs[filepath.Dir(path)] = true
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 7 {
		t.Fatalf("found only %d example directories", len(dirs))
	}
	tfVersion := acctest.TerraformVersion(t)
	for dir := range dirs {
		t.Run(strings.TrimPrefix(dir, "../../"), func(t *testing.T) {
			t.Parallel()
			if strings.Contains(dir, "/actions/") && tfVersion.LessThan(tfversion.Version1_14_0) {
				t.Skipf("actions need Terraform 1.14; this is %s", tfVersion)
			}
			for _, files := range exampleConfigurations(t, dir, tfVersion) {
				cli := acctest.NewCLIFiles(t, files)
				if out, err := cli.Exec(t, "", "validate", "-no-color"); err != nil {
					t.Errorf("terraform validate rejects %s (%v): %v\n%s", dir, keys(files), err, out)
				}
			}
		})
	}
}

// exampleConfigurations reads the .tf files of an example directory as the
// configurations to validate: the files that are not import examples, once
// with each import example (two import blocks for one resource would clash),
// leaving out what this Terraform cannot read.
func exampleConfigurations(t *testing.T, dir string, tfVersion *version.Version) []map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]string{}
	var imports []string
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".tf") {
			continue
		}
		if name == "import-by-identity.tf" && tfVersion.LessThan(tfversion.Version1_12_0) {
			t.Logf("leaving out %s: import by identity needs Terraform 1.12", name)
			continue
		}
		if strings.HasPrefix(name, "import") {
			imports = append(imports, name)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		base[name] = string(data)
	}
	if len(imports) == 0 {
		return []map[string]string{base}
	}
	var configs []map[string]string
	for _, name := range imports {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files := maps.Clone(base)
		files[name] = string(data)
		configs = append(configs, files)
	}
	return configs
}

func keys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

// The README's first example (the endpoint and its gate) is a configuration
// terraform validate accepts.
func TestAccReadme_firstExampleValidates(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, found := strings.Cut(string(readme), "```hcl\n")
	example, _, closed := strings.Cut(rest, "```")
	if !found || !closed || !strings.Contains(example, `data "retivo_webhook_endpoint_test"`) {
		t.Fatalf("the README's first hcl example is not the gate:\n%s", example)
	}
	cli := acctest.NewCLI(t, strings.Replace(example, `version = "~> 0.1"`, "", 1))
	if out, err := cli.Exec(t, "", "validate", "-no-color"); err != nil {
		t.Errorf("terraform validate rejects the README's first example: %v\n%s", err, out)
	}
}
