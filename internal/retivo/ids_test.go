package retivo_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/retivo/terraform-provider-retivo/internal/retivo"
)

func TestCheckID(t *testing.T) {
	valid := []string{"we_0123456789abcdef01234567", "a", "we-1.2_3~x", strings.Repeat("x", 255), "..."}
	for _, id := range valid {
		if err := retivo.CheckID(id); err != nil {
			t.Errorf("CheckID(%q) = %v, want nil", id, err)
		}
	}
	invalid := map[string]string{
		"empty":        "",
		"dot":          ".",
		"dot dot":      "..",
		"slash":        "we/1",
		"backslash":    `we\1`,
		"query":        "we?1",
		"fragment":     "we#1",
		"percent":      "we%2e",
		"space":        "we 1",
		"tab":          "we\t1",
		"newline":      "we\n1",
		"DEL":          "we\x7f1",
		"non-ASCII":    "wé1",
		"256 chars":    strings.Repeat("x", 256),
		"one megabyte": strings.Repeat("y", 1<<20),
	}
	for name, id := range invalid {
		t.Run(name, func(t *testing.T) {
			err := retivo.CheckID(id)
			if !errors.Is(err, retivo.ErrInvalidID) {
				t.Fatalf("CheckID = %v, want ErrInvalidID", err)
			}
			if len(err.Error()) > 300 {
				t.Errorf("the error is %d bytes long: it must quote only an excerpt of the id", len(err.Error()))
			}
		})
	}
}
