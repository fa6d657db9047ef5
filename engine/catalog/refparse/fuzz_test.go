package refparse

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// FuzzParseReference feeds arbitrary text to the chapter 4, 5, 6 and 10
// parsers: they must fail with an error, never panic, and what they accept
// must keep their promises.
func FuzzParseReference(f *testing.F) {
	for _, s := range []string{eventsMini, errorsMini, trapsMini, viewMini, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ref string) {
		if evs, err := ParseEvents(ref); err == nil {
			for _, e := range evs {
				if len(e.Sources) == 0 || e.Sources[0] != e.Source || e.Message == "" || e.Action == "" {
					t.Fatalf("incomplete event %+v", e)
				}
				switch e.Level {
				case catalog.LevelError, catalog.LevelWarning, catalog.LevelInformation, catalog.LevelSuccess:
				default:
					t.Fatalf("level %q accepted", e.Level)
				}
			}
		}
		if codes, err := ParseErrors(ref); err == nil {
			seen := map[int]bool{}
			for _, c := range codes {
				if seen[c.Code] || c.Message == "" {
					t.Fatalf("bad code %+v", c)
				}
				seen[c.Code] = true
			}
		}
		if traps, err := ParseTraps(ref); err == nil {
			for _, tr := range traps {
				if tr.Description == "" {
					t.Fatalf("trap without description %+v", tr)
				}
			}
		}
		if fields, err := ParseView(ref); err == nil {
			for _, fl := range fields {
				if fl.Description == "" {
					t.Fatalf("view field without description %+v", fl)
				}
			}
		}
		_, _ = ParseEnums(ref)
	})
}
