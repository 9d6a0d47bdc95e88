package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// release is what goreleaser left in dist/, from its metadata.json and
// artifacts.json.
type release struct {
	dist      string
	version   string
	goos      string
	goarch    string
	archive   string   // this platform's zip
	archives  []string // every zip's file name
	checksums string   // the SHA256SUMS file
}

type artifact struct {
	Name   string `json:"name"`
	Type   string `json:"type"`
	Goos   string `json:"goos"`
	Goarch string `json:"goarch"`
}

// readRelease finds the release's version, its archives and the archive for
// goos_goarch.
func readRelease(dist, goos, goarch string) (*release, error) {
	var meta struct {
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(dist, "metadata.json"), &meta); err != nil {
		return nil, fmt.Errorf("%w (run make release-snapshot first)", err)
	}
	var artifacts []artifact
	if err := readJSON(filepath.Join(dist, "artifacts.json"), &artifacts); err != nil {
		return nil, err
	}
	rel := &release{dist: dist, version: meta.Version, goos: goos, goarch: goarch}
	for _, a := range artifacts {
		switch a.Type {
		case "Archive":
			rel.archives = append(rel.archives, a.Name)
			if a.Goos == goos && a.Goarch == goarch {
				rel.archive = filepath.Join(dist, a.Name)
			}
		case "Checksum":
			rel.checksums = filepath.Join(dist, a.Name)
		}
	}
	switch {
	case rel.version == "":
		return nil, fmt.Errorf("%s has no version", filepath.Join(dist, "metadata.json"))
	case rel.archive == "":
		return nil, fmt.Errorf("%s has no archive for %s_%s: build it with make release-snapshot RELEASE_PLATFORMS=%s_%s",
			dist, goos, goarch, goos, goarch)
	case rel.checksums == "":
		return nil, fmt.Errorf("%s has no checksum file", dist)
	}
	return rel, nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	return nil
}

// packedName is the file name Terraform and OpenTofu look for in a
// filesystem mirror's packed layout and in a registry's download list.
func packedName(version, goos, goarch string) string {
	return fmt.Sprintf("terraform-provider-retivo_%s_%s_%s.zip", version, goos, goarch)
}

// check verifies what the Registry and the CLIs rely on: the names of the
// archives, checksum file and manifest; one binary per archive, named so
// that the CLIs find it; and a SHA256SUMS entry matching every archive and
// the repository's manifest.
func (r *release) check(manifest []byte) error {
	if strings.ToLower(r.version) != r.version {
		return fmt.Errorf("version %q has capitals: Terraform and OpenTofu lowercase the file names in a filesystem mirror, so it never matches a constraint; use a lowercase version", r.version)
	}
	if got, want := filepath.Base(r.archive), packedName(r.version, r.goos, r.goarch); got != want {
		return fmt.Errorf("archive %s: the CLIs expect %s", got, want)
	}
	if got, want := filepath.Base(r.checksums), "terraform-provider-retivo_"+r.version+"_SHA256SUMS"; got != want {
		return fmt.Errorf("checksum file %s: the Registry expects %s", got, want)
	}
	sums, err := readSums(r.checksums)
	if err != nil {
		return err
	}
	wantSums := map[string][]byte{"terraform-provider-retivo_" + r.version + "_manifest.json": manifest}
	for _, name := range r.archives {
		if !strings.HasPrefix(name, "terraform-provider-retivo_"+r.version+"_") || !strings.HasSuffix(name, ".zip") {
			return fmt.Errorf("archive %s: the Registry expects terraform-provider-retivo_%s_OS_ARCH.zip", name, r.version)
		}
		if err := checkBinary(filepath.Join(r.dist, name), "terraform-provider-retivo_v"+r.version); err != nil {
			return err
		}
		data, err := os.ReadFile(filepath.Join(r.dist, name))
		if err != nil {
			return err
		}
		wantSums[name] = data
	}
	for name, data := range wantSums {
		sum := sha256.Sum256(data)
		if got, ok := sums[name]; !ok {
			return fmt.Errorf("%s has no entry for %s", filepath.Base(r.checksums), name)
		} else if got != hex.EncodeToString(sum[:]) {
			return fmt.Errorf("%s: the SHA256SUMS entry does not match the file", name)
		}
	}
	if len(sums) != len(wantSums) {
		return fmt.Errorf("%s lists %d files, want %d (the archives and the manifest)", filepath.Base(r.checksums), len(sums), len(wantSums))
	}
	return nil
}

// readSums reads a sha256sum-style file: "<hex>  <name>" per line.
func readSums(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	lines := bufio.NewScanner(bytes.NewReader(data))
	for lines.Scan() {
		sum, name, ok := strings.Cut(lines.Text(), "  ")
		if !ok {
			return nil, fmt.Errorf("%s: line %q is not \"<sha256>  <file>\"", path, lines.Text())
		}
		sums[name] = sum
	}
	return sums, lines.Err()
}

// checkBinary checks that the zip holds exactly one plugin executable, named
// binary (with .exe on Windows), so that the CLIs find it. Other files
// (LICENSE, README.md, CHANGELOG.md) are allowed: the CLIs ignore them.
func checkBinary(archive, binary string) error {
	z, err := zip.OpenReader(archive)
	if err != nil {
		return err
	}
	defer z.Close()
	var plugins []*zip.File
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "terraform-provider-") {
			plugins = append(plugins, f)
		}
	}
	if len(plugins) != 1 || strings.TrimSuffix(plugins[0].Name, ".exe") != binary {
		var names []string
		for _, f := range z.File {
			names = append(names, f.Name)
		}
		return fmt.Errorf("%s holds %q, want one plugin named %s", filepath.Base(archive), names, binary)
	}
	if !strings.HasSuffix(plugins[0].Name, ".exe") && plugins[0].Mode()&0o111 == 0 {
		return fmt.Errorf("%s: %s is not executable", filepath.Base(archive), plugins[0].Name)
	}
	return nil
}

// copyFile copies src to dst, making dst's directory.
func copyFile(src, dst string) (err error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	_, err = io.Copy(out, in)
	return err
}
