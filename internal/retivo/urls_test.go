package retivo_test

import (
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

func TestSameURL(t *testing.T) {
	tests := []struct {
		configured, answered string
		same                 bool
	}{
		{"https://example.com/hook", "https://example.com/hook", true},
		{"https://example.com/hook", "HTTPS://Example.COM/hook", true},
		{"https://example.com/a%2fb", "https://example.com/a%2Fb", true},
		{"https://example.com/hook", "https://example.com:443/hook", true},
		{"http://example.com:80/hook", "http://example.com/hook", true},
		{"https://example.com", "https://example.com/", true},
		{"https://example.com/hook", "https://example.com/hook/", true},
		{"https://example.com/hook?x=1", "https://example.com/hook/?x=1", true},
		// A host in its other IDNA form, dot segments removed (issue 20).
		{"https://bücher.example/hook", "https://xn--bcher-kva.example/hook", true},
		{"https://BÜCHER.example/hook", "https://xn--bcher-kva.example/hook", true},
		{"https://example.com/a/../hook", "https://example.com/hook", true},
		{"https://example.com/./a/./hook", "https://example.com/a/hook", true},
		{"https://example.com/a/b/..", "https://example.com/a/", true},
		{"https://example.com/../hook", "https://example.com/hook", true},
		// Real changes.
		{"https://bücher.example/hook", "https://xn--bcher-kvb.example/hook", false},
		{"https://example.com/a/../hook", "https://example.com/a/hook", false},
		{"https://example.com/a..b/hook", "https://example.com/hook", false},
		{"https://example.com/hook/", "https://example.com/hook", false},
		{"https://example.com/hook", "https://example.com/hook//", false},
		{"https://example.com/hook", "https://example.com/Hook", false},
		{"https://example.com/hook", "http://example.com/hook", false},
		{"https://example.com/hook", "https://example.com:8443/hook", false},
		{"https://example.com/hook?x=1", "https://example.com/hook?x=2", false},
		{"https://example.com/hook", "https://other.example/hook", false},
	}
	for _, tc := range tests {
		if got := retivo.SameURL(tc.configured, tc.answered); got != tc.same {
			t.Errorf("SameURL(%q, %q) = %v, want %v", tc.configured, tc.answered, got, tc.same)
		}
	}
}
