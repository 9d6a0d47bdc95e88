package main

import "testing"

func TestParseFlags(t *testing.T) {
	cases := []struct {
		args []string
		want options
	}{
		{nil, options{}},
		{[]string{"-debug"}, options{debug: true}},
		{[]string{"-version"}, options{version: true}},
		{[]string{"--version"}, options{version: true}},
	}
	for _, tc := range cases {
		got, err := parseFlags(tc.args)
		if err != nil {
			t.Errorf("parseFlags(%q): %v", tc.args, err)
		}
		if got != tc.want {
			t.Errorf("parseFlags(%q) = %+v, want %+v", tc.args, got, tc.want)
		}
	}
	if _, err := parseFlags([]string{"-verbose"}); err == nil {
		t.Error("parseFlags accepted an unknown flag")
	}
}

func TestVersionLine(t *testing.T) {
	saved := version
	t.Cleanup(func() { version = saved })
	version = "0.1.0"
	if got, want := versionLine(), "terraform-provider-retivo 0.1.0"; got != want {
		t.Errorf("versionLine() = %q, want %q", got, want)
	}
}
