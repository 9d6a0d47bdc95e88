package main

import (
	"bufio"
	"encoding/json"
	"io"
	"slices"
)

// results are the tests of one run by outcome, subtests included, by full
// name (TestX/sub).
type results struct {
	Passed, Failed, Skipped []string
}

// testEvent is one line of `go test -json` (test2json).
type testEvent struct {
	Action string
	Test   string
}

// parseTestEvents reads go test -json output to its end.
func parseTestEvents(r io.Reader) (results, error) {
	var res results
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for scanner.Scan() {
		var e testEvent
		if json.Unmarshal(scanner.Bytes(), &e) != nil || e.Test == "" {
			continue // a build error line or a package event
		}
		switch e.Action {
		case "pass":
			res.Passed = append(res.Passed, e.Test)
		case "fail":
			res.Failed = append(res.Failed, e.Test)
		case "skip":
			res.Skipped = append(res.Skipped, e.Test)
		}
	}
	slices.Sort(res.Passed)
	slices.Sort(res.Failed)
	slices.Sort(res.Skipped)
	return res, scanner.Err()
}
