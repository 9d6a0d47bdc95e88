package retivo

import (
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
}

// Mask is what a redacted value is replaced with.
const Mask = "***"

// NewRedactor returns a redactor that knows the given values.
func NewRedactor(values ...string) *Redactor {
	r := &Redactor{secrets: map[string]struct{}{}}
	for _, v := range values {
		r.Add(v)
	}
	return r
}

// Add makes r mask value from now on. Values shorter than 8 bytes are ignored:
// masking them would garble ordinary text and they are not real secrets.
func (r *Redactor) Add(value string) {
	if len(value) < 8 {
		return
	}
	r.mu.Lock()
	r.secrets[value] = struct{}{}
	r.mu.Unlock()
}

// Redact returns s with every known sensitive value masked, longest first
// (a value that contains another is masked whole), and then anything that
// looks like an API key or a webhook secret (see MaskKeyLike): a secret the
// redactor has not been told about yet is masked too.
func (r *Redactor) Redact(s string) string {
	if s == "" {
		return s
	}
	r.mu.RLock()
	values := make([]string, 0, len(r.secrets))
	for v := range r.secrets {
		if strings.Contains(s, v) {
			values = append(values, v)
		}
	}
	r.mu.RUnlock()
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	for _, v := range values {
		s = strings.ReplaceAll(s, v, Mask)
	}
	return MaskKeyLike(s)
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
