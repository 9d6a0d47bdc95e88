package retivo

import (
	"errors"
	"fmt"
	"strings"
)

// MaxIDLength is the longest endpoint id the client accepts.
const MaxIDLength = 255

// ErrInvalidID is wrapped by every error about an endpoint id that breaks
// the id rule (see CheckID).
var ErrInvalidID = errors.New("invalid webhook endpoint id")

// IDCharacters says, for messages, which characters an id may hold.
const IDCharacters = `printable ASCII without whitespace, '/', '\', '?', '#' or '%'`

// CheckID applies the one id rule, wherever an id enters: a create or list
// answer, an import, a data source, the function and the action. A valid id
// is 1 to MaxIDLength characters of printable ASCII with no whitespace, no
// '/', '\', '?', '#' or '%', and is not "." or "..". Ids are put in request
// paths, and a path segment such as ".." would let a proxy that normalises
// paths turn DELETE /webhooks/endpoints/.. into a DELETE of the collection.
// The error quotes at most a short excerpt of the id.
func CheckID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: the id is empty", ErrInvalidID)
	case len(id) > MaxIDLength:
		return fmt.Errorf("%w: the id %s is %d bytes long; ids are at most %d characters", ErrInvalidID,
			QuoteExcerpt(id), len(id), MaxIDLength)
	case id == "." || id == "..":
		return fmt.Errorf("%w: %q is a path segment, not an id", ErrInvalidID, id)
	}
	for _, r := range id {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`/\?#%`, r) {
			return fmt.Errorf("%w: the id %s contains %s; ids are %s", ErrInvalidID, QuoteExcerpt(id),
				describeRune(r), IDCharacters)
		}
	}
	return nil
}

// maxQuotedID bounds how much of a value a message quotes.
const maxQuotedID = 40

// QuoteExcerpt quotes a value from outside (an id, a user's setting) for a
// message: in Go syntax, so control characters show as escapes, and cut to a
// short excerpt.
func QuoteExcerpt(value string) string {
	runes := []rune(value)
	if len(runes) > maxQuotedID {
		return fmt.Sprintf("%q…", string(runes[:maxQuotedID]))
	}
	return fmt.Sprintf("%q", value)
}

func describeRune(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r < ' ' || r == 0x7f:
		return fmt.Sprintf("the control character %U", r)
	case r > 0x7f:
		return fmt.Sprintf("the non-ASCII character %U", r)
	default:
		return fmt.Sprintf("%q", r)
	}
}
