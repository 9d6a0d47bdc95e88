package retivo

import (
	"encoding/binary"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Redactor replaces known sensitive values (the API key, every webhook
// secret seen) with a mask. It is safe for concurrent use.
type Redactor struct {
	mu      sync.RWMutex
	secrets map[string]struct{}
	// keyRuns holds every run of keyRunLength bytes of the bodies of the
	// API keys and webhook secrets it knows (the part after rt_test_,
	// rt_live_ or whsec_), packed into a uint64, so that a quote of part of
	// one is masked in one pass over the text, however long.
	keyRuns map[uint64]struct{}
}

// Mask is what a redacted value is replaced with.
const Mask = "***"

// keyRunLength is the shortest part of an API key's body that is masked
// wherever it shows. Eight characters of a random key body are never
// ordinary text, and the part of a key left unmasked (at most 7 characters
// at each end of a quote) is too little to guess the rest.
const keyRunLength = 8

// NewRedactor returns a redactor that knows the given values.
func NewRedactor(values ...string) *Redactor {
	r := &Redactor{secrets: map[string]struct{}{}, keyRuns: map[uint64]struct{}{}}
	for _, v := range values {
		r.Add(v)
	}
	return r
}

// Add makes r mask value from now on. Values shorter than 8 bytes are ignored:
// masking them would garble ordinary text and they are not real secrets. A
// value that starts with an API key's or a webhook secret's prefix is one:
// every run of keyRunLength characters of its body is masked too, wherever
// it shows (a secret's HMAC key is the whole whsec_ string, so its body
// quoted without the public prefix is the key).
func (r *Redactor) Add(value string) {
	if len(value) < 8 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.secrets[value] = struct{}{}
	if body, ok := secretBody(value); ok {
		for i := 0; i+keyRunLength <= len(body); i++ {
			r.keyRuns[binary.BigEndian.Uint64([]byte(body[i:i+keyRunLength]))] = struct{}{}
		}
	}
}

// secretBody is the part of an API key or a webhook secret after its
// prefix, if it has one.
func secretBody(value string) (string, bool) {
	for _, prefix := range []string{TestKeyPrefix, LiveKeyPrefix, webhookSecretPrefix} {
		if body, ok := strings.CutPrefix(value, prefix); ok {
			return body, true
		}
	}
	return "", false
}

// webhookSecretPrefix starts every signing secret Retivo issues.
const webhookSecretPrefix = "whsec_"

// Redact returns s with every known sensitive value masked, longest first
// (a value that contains another is masked whole), then anything that looks
// like an API key or a webhook secret (see MaskKeyLike): a secret the
// redactor has not been told about yet is masked too; and last every run of
// 8 or more characters of a known API key's body, however it is quoted.
func (r *Redactor) Redact(s string) string {
	if s == "" {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	values := make([]string, 0, len(r.secrets))
	for v := range r.secrets {
		if strings.Contains(s, v) {
			values = append(values, v)
		}
	}
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	for _, v := range values {
		s = strings.ReplaceAll(s, v, Mask)
	}
	return maskKeyRuns(MaskKeyLike(s), r.keyRuns)
}

// maskKeyRuns replaces each stretch of s covered by runs of keyRunLength
// bytes found in runs with one Mask. It reads s once, sliding a window of
// keyRunLength bytes over it (a uint64 shifted a byte at a time), so it
// takes linear time: answers may be megabytes long.
func maskKeyRuns(s string, runs map[uint64]struct{}) string {
	if len(runs) == 0 || len(s) < keyRunLength {
		return s
	}
	var b strings.Builder
	copied := 0                  // s[:copied] is in b
	spanStart, spanEnd := -1, -1 // the covered stretch being grown, s[spanStart:spanEnd]
	var window uint64            // the last keyRunLength bytes read
	for i := 0; i < len(s); i++ {
		window = window<<8 | uint64(s[i])
		if i < keyRunLength-1 {
			continue
		}
		if _, ok := runs[window]; !ok {
			continue
		}
		start := i + 1 - keyRunLength
		if spanStart >= 0 && start <= spanEnd {
			spanEnd = i + 1 // overlaps or touches the stretch: one mask for both
			continue
		}
		if spanStart >= 0 {
			b.WriteString(s[copied:spanStart])
			b.WriteString(Mask)
			copied = spanEnd
		}
		spanStart, spanEnd = start, i+1
	}
	if spanStart < 0 {
		return s
	}
	b.WriteString(s[copied:spanStart])
	b.WriteString(Mask)
	b.WriteString(s[spanEnd:])
	return b.String()
}

// keyLike matches what looks like a Retivo API key or webhook signing
// secret: the documented key prefixes, and the whsec_ prefix of secrets.
var keyLike = regexp.MustCompile(`(?:rt_(?:live|test)_|whsec_)[A-Za-z0-9_\-+/=.~]+`)

// MaskKeyLike masks anything in s that looks like an API key or a webhook
// secret, whoever it belongs to.
func MaskKeyLike(s string) string {
	if !strings.Contains(s, "rt_") && !strings.Contains(s, "whsec_") {
		return s
	}
	return keyLike.ReplaceAllString(s, Mask)
}

// minTokenLength is the shortest run of token characters that
// MaskTokenLike may take for a token.
const minTokenLength = 16

// MaskTokenLike masks every token-like run in s, for texts nobody has
// vetted: the body of a server fault and any body that is not JSON, which
// may dump credentials the provider has never been told about. A run is a
// maximal stretch of the characters tokens are made of (ASCII letters,
// digits and _ - + / = . ~: base64, base64url, hex, JWTs, keys such as
// sk_live_…), and a run of at least 16 of them is token-like when it
//
//   - mixes letters and digits (hex, base64, most keys, UUIDs, request ids),
//   - has no letter but 16 or more digits (card numbers, numeric tokens), or
//   - holds upper- and lower-case letters, each at least a quarter of it
//     (random letters, as base64 without a digit; not CamelCase words).
//
// Ordinary words, short numbers, URLs and paths without digits,
// punctuation and spaces stay, so an excerpt still says what failed; a long
// id or path with digits in it is masked too, which is the price of never
// showing a secret whose shape nobody knows.
func MaskTokenLike(s string) string {
	var b strings.Builder
	copied := 0 // s[:copied] is in b
	for i := 0; i < len(s); {
		if !isTokenByte(s[i]) {
			i++
			continue
		}
		end := i
		for end < len(s) && isTokenByte(s[end]) {
			end++
		}
		if isTokenLike(s[i:end]) {
			if b.Len() == 0 {
				b.Grow(len(s))
			}
			b.WriteString(s[copied:i])
			b.WriteString(Mask)
			copied = end
		}
		i = end
	}
	if copied == 0 {
		return s
	}
	b.WriteString(s[copied:])
	return b.String()
}

func isTokenByte(c byte) bool {
	return isLetter(c) || isDigit(c) || strings.IndexByte("_-+/=.~", c) >= 0
}

func isLetter(c byte) bool { return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

// isTokenLike applies MaskTokenLike's rule to one run of token characters.
func isTokenLike(run string) bool {
	if len(run) < minTokenLength {
		return false
	}
	var digits, upper, lower int
	for i := 0; i < len(run); i++ {
		switch c := run[i]; {
		case isDigit(c):
			digits++
		case 'A' <= c && c <= 'Z':
			upper++
		case 'a' <= c && c <= 'z':
			lower++
		}
	}
	letters := upper + lower
	switch {
	case digits > 0 && letters > 0:
		return true
	case letters == 0:
		return digits >= minTokenLength
	default:
		return 4*upper >= len(run) && 4*lower >= len(run)
	}
}

// maxQuotedAnswer bounds the part of a transport error that quotes the
// server's answer, in runes.
const maxQuotedAnswer = 2 * maxExcerpt

// maskTransportQuote masks token-like runs (MaskTokenLike) in the part of a
// transport error's text that quotes the server: Go's HTTP client quotes an
// answer that is not HTTP (a malformed status or header line) after the word
// "malformed", and that line is as unvetted as a body that is not JSON. It
// also bounds that part: the line may be megabytes long.
func maskTransportQuote(text string) string {
	i := strings.Index(text, "malformed ")
	if i < 0 {
		return text
	}
	return text[:i] + truncate(MaskTokenLike(text[i:]), maxQuotedAnswer)
}
