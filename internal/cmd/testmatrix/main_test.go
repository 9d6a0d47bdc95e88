package main

import (
	"slices"
	"strings"
	"testing"
)

func TestParseTestEvents(t *testing.T) {
	out := strings.Join([]string{
		`{"Action":"run","Test":"TestA"}`,
		`{"Action":"pass","Test":"TestA"}`,
		`{"Action":"skip","Test":"TestB"}`,
		`{"Action":"fail","Test":"TestC/sub"}`,
		`{"Action":"fail","Test":"TestC"}`,
		`{"Action":"pass","Package":"example.com/p"}`,
		`# a build error line`,
	}, "\n")
	got, err := parseTestEvents(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Passed, []string{"TestA"}) || !slices.Equal(got.Skipped, []string{"TestB"}) ||
		!slices.Equal(got.Failed, []string{"TestC", "TestC/sub"}) {
		t.Errorf("got %+v", got)
	}
}

func TestVerdict(t *testing.T) {
	mk := func(label string, skipped []string, failed ...string) row {
		return row{CLI: cli{Label: label}, Results: results{Skipped: skipped, Failed: failed}}
	}
	if problems := verdict([]row{mk("a", []string{"TestX"}), mk("b", nil)}); len(problems) != 0 {
		t.Errorf("a test skipped on one CLI only: %v", problems)
	}
	problems := verdict([]row{mk("a", []string{"TestX", "TestY"}), mk("b", []string{"TestX"})})
	if len(problems) != 1 || !strings.Contains(problems[0], "TestX was skipped on every CLI") {
		t.Errorf("a test skipped everywhere: %v", problems)
	}
	if problems := verdict([]row{mk("a", nil, "TestZ")}); len(problems) != 1 || !strings.Contains(problems[0], "a: 1 failed") {
		t.Errorf("a failure: %v", problems)
	}
	if problems := verdict(nil); len(problems) != 1 {
		t.Errorf("no CLI: %v", problems)
	}
}
