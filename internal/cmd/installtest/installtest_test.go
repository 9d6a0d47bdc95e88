package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
		{"other version", lock("0.2.0", "h1:abc="), address, `version "0.2.0"`},
		{"no h1 hash", lock("0.1.0", "zh:abc"), address, "no h1: hash"},
		{"other address", lock("0.1.0", "h1:abc="), "registry.opentofu.org/retivo/retivo", "no entry"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), ".terraform.lock.hcl")
			if err := os.WriteFile(path, []byte(tc.lock), 0o600); err != nil {
				t.Fatal(err)
			}
			err := checkLock(path, tc.address, "0.1.0")
			if tc.wantErr == "" && err != nil {
				t.Errorf("checkLock: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("checkLock: got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
