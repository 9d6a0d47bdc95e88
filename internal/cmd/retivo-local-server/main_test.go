package main

import (
	"strings"
	"testing"
)

func TestIsLoopbackAddr(t *testing.T) {
	tests := map[string]bool{
		"127.0.0.1:8787":     true,
		"127.0.0.1:0":        true,
		"127.1.2.3:80":       true,
		"[::1]:8787":         true,
		"localhost:8787":     true,
		"LocalHost:8787":     true,
		":8787":              false, // every interface
		"0.0.0.0:8787":       false,
		"[::]:8787":          false,
		"192.168.1.10:8787":  false,
		"[fe80::1%eth0]:80":  false,
		"example.com:8787":   false,
		"localhost.evil:80":  false,
		"127.0.0.1":          false, // no port: Listen fails anyway
		"":                   false,
		"[::ffff:7f00:1]:80": true, // 127.0.0.1 as an IPv4-mapped address
	}
	for addr, want := range tests {
		if got := isLoopbackAddr(addr); got != want {
			t.Errorf("isLoopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestChooseAdminToken(t *testing.T) {
	const flagToken, envToken = "flag-token-0123456789", "env-token-0123456789"
	if got, err := chooseAdminToken(flagToken, envToken); err != nil || got != flagToken {
		t.Errorf("flag and env: %q, %v; want the flag's", got, err)
	}
	if got, err := chooseAdminToken("", envToken); err != nil || got != envToken {
		t.Errorf("env only: %q, %v; want the env's", got, err)
	}
	first, err := chooseAdminToken("", "")
	if err != nil || len(first) < minAdminTokenLength {
		t.Fatalf("generated: %q, %v", first, err)
	}
	if second, _ := chooseAdminToken("", ""); second == first {
		t.Error("two generated tokens are equal")
	}
	for _, bad := range []string{"short", "has space in it 0123456789", "quote'0123456789abcdef"} {
		_, err := chooseAdminToken(bad, "")
		if err == nil {
			t.Errorf("token %q was accepted", bad)
		} else if strings.Contains(err.Error(), bad) {
			t.Errorf("the error quotes the token: %v", err)
		}
	}
}
