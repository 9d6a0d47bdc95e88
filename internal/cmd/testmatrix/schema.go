package main

import (
	"os"
	"os/exec"
)

// compareDocsSchema has internal/cmd/schemajson compare the schema the docs
// are generated from with what this CLI reports.
func compareDocsSchema(c cli) error {
	cmd := exec.Command("go", "run", "./internal/cmd/schemajson", "-compare-with", c.Path)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}
