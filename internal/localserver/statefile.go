package localserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// A state file lets the server back real local development: without one,
// a restart forgets every endpoint and the next refresh finds them all
// "deleted outside Terraform".

// stateFileVersion is the format of the state file; a file of another
// version is refused rather than misread.
const stateFileVersion = 1

type stateFileContent struct {
	Version int `json:"version"`
	// Endpoints are in creation order, which is how the list answers.
	Endpoints []*Endpoint `json:"endpoints"`
}

// UseStateFile makes the server keep its endpoints in the file at path: it
// loads the file now if it exists (replacing what the server holds) and
// rewrites it after every change. Each write goes to a temporary file in the
// same directory that is then renamed over the old one, so a crash or a kill
// leaves either the old state or the new one, never half a file. The file
// holds the endpoints' signing secrets and is created readable by its owner
// only.
func (s *Server) UseStateFile(path string) error {
	if path == "" {
		return errors.New("the state file path is empty")
	}
	loaded, err := readStateFile(path)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if loaded != nil {
		s.store = loaded
	}
	s.stateFile = path
	return s.saveLocked()
}

// readStateFile returns the store saved at path, nil if there is no file.
func readStateFile(path string) (*store, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the state file: %w", err)
	}
	var content stateFileContent
	if err := json.Unmarshal(data, &content); err != nil {
		return nil, fmt.Errorf("state file %s is not a local server state file: %w", path, err)
	}
	if content.Version != stateFileVersion {
		return nil, fmt.Errorf("state file %s has format version %d, this server reads version %d",
			path, content.Version, stateFileVersion)
	}
	st := newStore()
	for _, e := range content.Endpoints {
		if e == nil || e.ID == "" {
			return nil, fmt.Errorf("state file %s has an endpoint without an id", path)
		}
		st.seq++
		e.seq = st.seq
		st.endpoints[e.ID] = e
		// Timestamps keep moving forward across a restart.
		if e.UpdatedAt.After(st.lastStamp) {
			st.lastStamp = e.UpdatedAt
		}
	}
	return st, nil
}

// saveLocked writes the store to the state file, if there is one; the
// caller holds s.mu.
func (s *Server) saveLocked() error {
	if s.stateFile == "" {
		return nil
	}
	data, err := json.MarshalIndent(stateFileContent{Version: stateFileVersion, Endpoints: s.store.ordered()}, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the state: %w", err)
	}
	if err := writeFileAtomically(s.stateFile, append(data, '\n')); err != nil {
		return fmt.Errorf("saving the state file: %w", err)
	}
	return nil
}

// writeFileAtomically replaces path with data through a temporary file in
// the same directory and a rename.
func writeFileAtomically(path string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
