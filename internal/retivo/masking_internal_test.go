package retivo

import (
	"strings"
	"testing"
)

// Every run of 8 or more characters of a key's body is masked, once per
// stretch however the runs overlap or touch; 7 characters, the bare prefix
// and texts that merely share letters with the key stay.
func TestRedactor_keyBodyRuns(t *testing.T) {
	const body = "Q7mZ2kP9xW4vN8bR3tY6hJ5c"
	r := NewRedactor("rt_live_" + body)
	tests := map[string]string{
		"key " + body[3:11] + " denied":                 "key *** denied",
		"a" + body[:12] + "b" + body[12:] + "c":         "a***b***c",
		body[:8] + body[16:] + " and " + body[4:20]:     "*** and ***",
		"seven " + body[:7] + " stays":                  "seven " + body[:7] + " stays",
		"the prefix rt_live_ stays":                     "the prefix rt_live_ stays",
		"rt_live_" + body[:10] + " is masked with it":   "*** is masked with it",
		"Q7mZ2kP9 at the start, at the end " + body[9:]: "*** at the start, at the end ***",
		"":                        "",
		"short":                   "short",
		"üñí " + body[2:10] + "ü": "üñí ***ü",
	}
	for in, want := range tests {
		if got := r.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// A webhook secret is masked by the parts of its body too: its HMAC key is
// the whole whsec_ string, so a quote of the body without the public prefix
// is the key. A value without a known prefix is masked whole only.
func TestRedactor_webhookSecretBodyRuns(t *testing.T) {
	const body = "MHJTz5aYq8Lw2Rk7Vd4Nf9Gb6Yw00"
	r := NewRedactor()
	r.Add("whsec_" + body)
	r.Add("plain-Signing-Value")
	for in, want := range map[string]string{
		"secbody " + body + " end":     "secbody *** end",
		"piece " + body[3:20] + " end": "piece *** end",
		"seven " + body[:7] + " stays": "seven " + body[:7] + " stays",
		"plain-Signing-Value whole":    "*** whole",
		"Signing-Value is no secret":   "Signing-Value is no secret",
	} {
		if got := r.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

// A 16 MiB answer quoting the key's body near its end is masked in one pass.
func TestRedactor_largeText(t *testing.T) {
	const body = "Q7mZ2kP9xW4vN8bR3tY6hJ5c"
	r := NewRedactor("rt_test_" + body)
	text := strings.Repeat("endpoint we_0123 failed; ", (16<<20)/25) + body[5:15]
	got := r.Redact(text)
	if strings.Contains(got, body[5:13]) || !strings.HasSuffix(got, "; "+Mask) {
		t.Errorf("the key's body shows at the end: %q", got[len(got)-40:])
	}
}

func BenchmarkRedactor_16MiB(b *testing.B) {
	r := NewRedactor("rt_test_Q7mZ2kP9xW4vN8bR3tY6hJ5c", "whsec_abcdefghijklmnop")
	text := strings.Repeat(`{"id":"we_0123456789","url":"https://hooks.example.com/x"},`, (16<<20)/60)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		r.Redact(text)
	}
}

func TestMaskTokenLike(t *testing.T) {
	tests := map[string]string{
		// Token-like: masked.
		"hex 9f86d081884c7d659a2feaa0c55ad015 end":      "hex *** end",
		"key sk_9xQ2LmZ7vT4pR8nW3kY6bH1cJ5dF0gA=, next": "key ***, next",
		"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.": "jwt ***",
		"card 4111111111111111.":                        "card ***",
		"letters hVbQxKpLwTzRmNcYgFdJsEaU!":             "letters ***!",
		"id 123e4567-e89b-12d3-a456-426614174000":       "id ***",
		// Not token-like: stays.
		"database failed at step 42 while syncing":             "database failed at step 42 while syncing",
		"internationalization NullPointerException":            "internationalization NullPointerException",
		"SERVICE_UNAVAILABLE_RETRY_LATER since 1700000000000":  "SERVICE_UNAVAILABLE_RETRY_LATER since 1700000000000",
		"Get https://retivo.ai/api/webhooks/endpoints: failed": "Get https://retivo.ai/api/webhooks/endpoints: failed",
		"short a1b2c3d4e5f6g7h (15 characters)":                "short a1b2c3d4e5f6g7h (15 characters)",
		"ünïcode wörds ßtay":                                   "ünïcode wörds ßtay",
	}
	for in, want := range tests {
		if got := MaskTokenLike(in); got != want {
			t.Errorf("MaskTokenLike(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := map[string]string{
		"OK":                              "OK",
		"Not Found":                       "Not Found",
		"  padded\t\ttext \n":             "padded text",
		"Teapot\x1b[2J\x1b]0;title\x07":   "Teapot [2J ]0;title",
		"clip\x1b]52;c;ZWNobw==\x07end":   "clip ]52;c;ZWNobw== end",
		"nul\x00del\x7fc1\u009b31m":       "nul del c1 31m",
		"fake\r\nApply complete!":         "fake Apply complete!",
		"bidi\u202egnp.exe\u202c":         "bidi gnp.exe",
		"isolate\u2066x\u2069 mark\u200f": "isolate x mark",
		"bad\xffutf8":                     "bad\uFFFDutf8",
		"ünïcode and emoji 👍 stay":        "ünïcode and emoji 👍 stay",
		"":                                "",
	}
	for in, want := range tests {
		if got := CleanText(in); got != want {
			t.Errorf("CleanText(%q) = %q, want %q", in, got, want)
		}
	}
}

// A receiver's text is cleaned and bounded.
func TestDisplayText(t *testing.T) {
	got := displayText(strings.Repeat("x\r", 1000))
	if len([]rune(got)) != maxExcerpt+1 || strings.ContainsRune(got, '\r') {
		t.Errorf("displayText gave %d runes: %q", len([]rune(got)), got)
	}
}
