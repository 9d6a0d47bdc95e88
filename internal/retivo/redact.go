package retivo

import (
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

// Redact returns s with every known sensitive value masked.
func (r *Redactor) Redact(s string) string {
	if s == "" {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for v := range r.secrets {
		if strings.Contains(s, v) {
			s = strings.ReplaceAll(s, v, Mask)
		}
	}
	return s
}
