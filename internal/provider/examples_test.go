package provider_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/retivo/terraform-provider-retivo/internal/acctest"
)

// Every example in examples/ (the Registry docs show them) must be a
// configuration terraform validate accepts.
func TestAccExamples_validate(t *testing.T) {
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
			if strings.Contains(dir, "/actions/") && tfVersion.LessThan(tfversion.Version1_14_0) {
				t.Skipf("actions need Terraform 1.14; this is %s", tfVersion)
			}
			files := map[string]string{}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if e.Name() == "import-by-identity.tf" && tfVersion.LessThan(tfversion.Version1_12_0) {
					t.Logf("leaving out %s: import by identity needs Terraform 1.12", e.Name())
					continue
				}
				if strings.HasSuffix(e.Name(), ".tf") {
					data, err := os.ReadFile(filepath.Join(dir, e.Name()))
					if err != nil {
						t.Fatal(err)
					}
					files[e.Name()] = string(data)
				}
			}
			cli := acctest.NewCLIFiles(t, files)
			if out, err := cli.Run("validate", "-no-color"); err != nil {
				t.Errorf("terraform validate rejects %s: %v\n%s", dir, err, out)
			}
		})
	}
}
