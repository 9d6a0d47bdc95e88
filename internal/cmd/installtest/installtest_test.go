package main

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testManifest = []byte(`{"version": 1, "metadata": {"protocol_versions": ["6.0"]}}`)

// fakeDist writes what goreleaser leaves in dist/ for version 0.1.0 on
// linux_amd64 and darwin_arm64, each zip holding binary and a LICENSE; change
// may alter the SHA256SUMS text before it is written.
func fakeDist(t *testing.T, binary string, change func(sums string) string) string {
	t.Helper()
	dist := t.TempDir()
	sums := ""
	addSum := func(name string, data []byte) {
		sum := sha256.Sum256(data)
		sums += hex.EncodeToString(sum[:]) + "  " + name + "\n"
	}
	var artifacts []map[string]string
	for _, platform := range [][2]string{{"linux", "amd64"}, {"darwin", "arm64"}} {
		name := packedName("0.1.0", platform[0], platform[1])
		path := filepath.Join(dist, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		z := zip.NewWriter(f)
		header := &zip.FileHeader{Name: binary, Method: zip.Deflate}
		header.SetMode(0o755)
		w, err := z.CreateHeader(header)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(w, "binary")
		if w, err = z.Create("LICENSE"); err != nil {
			t.Fatal(err)
		}
		fmt.Fprint(w, "license")
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		addSum(name, data)
		artifacts = append(artifacts, map[string]string{"name": name, "type": "Archive", "goos": platform[0], "goarch": platform[1]})
	}
	addSum("terraform-provider-retivo_0.1.0_manifest.json", testManifest)
	artifacts = append(artifacts, map[string]string{"name": "terraform-provider-retivo_0.1.0_SHA256SUMS", "type": "Checksum"})
	if change != nil {
		sums = change(sums)
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dist, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("terraform-provider-retivo_0.1.0_SHA256SUMS", []byte(sums))
	write("metadata.json", []byte(`{"project_name":"terraform-provider-retivo","version":"0.1.0"}`))
	data, err := json.Marshal(artifacts)
	if err != nil {
		t.Fatal(err)
	}
	write("artifacts.json", data)
	return dist
}

func TestRelease_check(t *testing.T) {
	cases := []struct {
		name    string
		binary  string
		change  func(string) string
		wantErr string
	}{
		{name: "valid", binary: "terraform-provider-retivo_v0.1.0"},
		{name: "binary without version", binary: "terraform-provider-retivo", wantErr: "want one plugin named terraform-provider-retivo_v0.1.0"},
		{name: "checksum mismatch", binary: "terraform-provider-retivo_v0.1.0", wantErr: "does not match",
			change: func(s string) string { return strings.Replace(s, s[:8], "00000000", 1) }},
		{name: "manifest missing", binary: "terraform-provider-retivo_v0.1.0", wantErr: "no entry for terraform-provider-retivo_0.1.0_manifest.json",
			change: func(s string) string { return s[:strings.LastIndex(strings.TrimSuffix(s, "\n"), "\n")+1] }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rel, err := readRelease(fakeDist(t, tc.binary, tc.change), "linux", "amd64")
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(rel.archive) != "terraform-provider-retivo_0.1.0_linux_amd64.zip" || len(rel.archives) != 2 {
				t.Errorf("readRelease: archive %s, archives %q", rel.archive, rel.archives)
			}
			err = rel.check(testManifest)
			if tc.wantErr == "" && err != nil {
				t.Errorf("check: %v", err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("check: got %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestRelease_checkCapitals(t *testing.T) {
	rel := &release{version: "0.0.0-SNAPSHOT-abc1234"}
	if err := rel.check(testManifest); err == nil || !strings.Contains(err.Error(), "lowercase") {
		t.Errorf("got %v, want an error about capitals in the version", err)
	}
}

func TestReadRelease_noArchiveForPlatform(t *testing.T) {
	_, err := readRelease(fakeDist(t, "terraform-provider-retivo_v0.1.0", nil), "windows", "arm64")
	if err == nil || !strings.Contains(err.Error(), "RELEASE_PLATFORMS=windows_arm64") {
		t.Errorf("got %v, want an error naming the make variable to set", err)
	}
}

func TestCLIConfig(t *testing.T) {
	got := cliConfig("/tmp/mirror", "registry.opentofu.org")
	for _, want := range []string{`path    = "/tmp/mirror"`, `include = ["registry.opentofu.org/retivo/retivo"]`} {
		if !strings.Contains(got, want) {
			t.Errorf("cliConfig lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "direct") {
		t.Errorf("cliConfig allows direct installation:\n%s", got)
	}
}

func TestLockedProvider(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".terraform.lock.hcl")
	lock := `# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/retivo/retivo" {
  version     = "0.1.0"
  constraints = "0.1.0"
  hashes = [
    "h1:abc=",
  ]
}
`
	if err := os.WriteFile(path, []byte(lock), 0o600); err != nil {
		t.Fatal(err)
	}
	locked, err := readLockedProvider(path, "registry.terraform.io/retivo/retivo")
	if err != nil {
		t.Fatal(err)
	}
	if locked.version != "0.1.0" || locked.constraints != "0.1.0" || len(locked.hashes) != 1 {
		t.Errorf("readLockedProvider = %+v", locked)
	}
	if err := locked.check("0.1.0", "h1:abc="); err != nil {
		t.Errorf("check: %v", err)
	}
	if err := locked.check("0.1.0", "h1:other="); err == nil {
		t.Error("check accepted a lock file without the archive's hash")
	}
	if err := locked.check("0.2.0", "h1:abc="); err == nil {
		t.Error("check accepted another version")
	}
	if _, err := readLockedProvider(path, "registry.opentofu.org/retivo/retivo"); err == nil {
		t.Error("readLockedProvider found a block for another address")
	}
}

func TestUserAgents(t *testing.T) {
	agents := &userAgents{}
	if err := agents.check("terraform-provider-retivo/0.1.0 "); err == nil {
		t.Error("check passed with no requests")
	}
	h := agents.record(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, ua := range []string{"terraform-provider-retivo/0.1.0 Terraform/1.11.4", "Go-http-client/1.1"} {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/webhook-endpoints", nil)
		r.Header.Set("User-Agent", ua)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if err := agents.check("terraform-provider-retivo/0.1.0 "); err == nil || !strings.Contains(err.Error(), "Go-http-client") {
		t.Errorf("check: got %v, want an error naming the other User-Agent", err)
	}
	agents.reset()
	if len(agents.seen()) != 0 {
		t.Error("reset kept User-Agents")
	}
}
