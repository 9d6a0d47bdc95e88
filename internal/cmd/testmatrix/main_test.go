package main

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestSkippedTests(t *testing.T) {
	jsonFile := strings.Join([]string{
		`{"Action":"run","Test":"TestA"}`,
		`{"Action":"pass","Test":"TestA"}`,
		`{"Action":"skip","Test":"TestC/sub"}`,
		`{"Action":"skip","Test":"TestB"}`,
		`{"Action":"fail","Test":"TestD"}`,
		`{"Action":"skip","Package":"example.com/notests"}`,
	}, "\n") + "\n"
	got, err := skippedTests([]byte(jsonFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"TestB", "TestC/sub"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := skippedTests([]byte("# not an event\n")); err == nil {
		t.Error("a line that is not an event was ignored: the verdict would miss skips")
	}
}

func TestVerdict(t *testing.T) {
	run := func(cli string, err error, skipped ...string) cliRun {
		return cliRun{CLI: cli, Skipped: skipped, Err: err}
	}
	if problems := verdict([]cliRun{run("a", nil, "TestX"), run("b", nil)}); len(problems) != 0 {
		t.Errorf("a test skipped on one CLI only fails the matrix: %q", problems)
	}
	problems := verdict([]cliRun{run("a", nil, "TestX", "TestY"), run("b", nil, "TestX", "TestZ"), run("c", nil, "TestX", "TestY")})
	if !slices.Equal(problems, []string{"TestX was skipped on every CLI"}) {
		t.Errorf("TestX was skipped everywhere, TestY and TestZ ran somewhere: %q", problems)
	}
	problems = verdict([]cliRun{run("a", nil), run("b", errors.New("exit status 1"))})
	if !slices.Equal(problems, []string{"b failed: exit status 1"}) {
		t.Errorf("a failed run: %q", problems)
	}
	if problems := verdict(nil); len(problems) != 1 {
		t.Errorf("no CLI ran, yet the matrix passes: %q", problems)
	}
}
