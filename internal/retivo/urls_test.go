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
		{"https://XN--BCHER-KVA.example/hook", "https://xn--bcher-kva.example/hook", true},
		// Percent-encoded unreserved characters (RFC 3986 §6.2.2.2).
		{"https://example.com/a%7Eb", "https://example.com/a~b", true},
		{"https://example.com/%61bc", "https://example.com/abc", true},
		{"https://example.com/a~b", "https://example.com/a%7eb", true},
		{"https://example.com/hook?q=%7E", "https://example.com/hook?q=~", true},
		{"https://bücher.example/a/./b/../hook", "https://xn--bcher-kva.example/a/hook", true},
		// Real changes.
		{"https://bücher.example/hook", "https://xn--bcher-kvb.example/hook", false},
		{"https://example.com/a/../hook", "https://example.com/a/hook", false},
		{"https://example.com/a..b/hook", "https://example.com/hook", false},
		{"https://example.com/a/%2e%2e/hook", "https://example.com/a/hook", false},
		{"https://example.com/a%2Fb", "https://example.com/a/b", false},
		{"https://example.com/a/..;/hook", "https://example.com/hook", false},
		{"https://example.com/a;x/hook", "https://example.com/a/hook", false},
		{"https://example.com./hook", "https://example.com/hook", false},
		{"https://faß.de/hook", "https://fass.de/hook", false},
		{"https://xn--fa-hia.de/hook", "https://fass.de/hook", false},
		{"https://example.com/a%2Fb", "https://example.com/a/b", false},
		{"https://user@example.com/hook", "https://example.com/hook", false},
		{"https://user:pw@example.com/hook", "https://user:PW@example.com/hook", false},
		{"https://example.com/a/b/../../../hook", "https://example.com/x/hook", false},
		{"https://127.0.0.1/hook", "https://0x7f.0.0.1/hook", false},
		{"https://[::1]/hook", "https://[::2]/hook", false},
		{"https://example.com/hook#a", "https://example.com/hook#b", false},
		// IDNA refuses the underscore, and Unicode case folding would make
		// the Kelvin sign (U+212A) a "k": a host nothing resolves must not
		// equal a real one.
		{"https://my_\u212Aey.example/hook", "https://my_key.example/hook", false},
		{"https://\u212A_.example/hook", "https://k_.example/hook", false},
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
