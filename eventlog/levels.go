package eventlog

import (
	"fmt"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// LevelSet is the levels a writer takes.
type LevelSet uint8

var levelBit = map[catalog.Level]LevelSet{
	catalog.LevelError: 1, catalog.LevelWarning: 2, catalog.LevelInformation: 4, catalog.LevelSuccess: 8,
}

// AllLevels takes every event.
const AllLevels LevelSet = 15

// Has reports whether l is in the set.
func (s LevelSet) Has(l catalog.Level) bool { return s&levelBit[l] != 0 }

// ParseLevels reads a comma separated list of the reference's levels
// ("Error,Warning"), case-insensitively; "Informational" is Information.
func ParseLevels(list string) (LevelSet, error) {
	var s LevelSet
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.EqualFold(f, "Informational") {
			f = string(catalog.LevelInformation)
		}
		found := false
		for l, bit := range levelBit {
			if strings.EqualFold(f, string(l)) {
				s |= bit
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("level %q is not Error, Warning, Information or Success", f)
		}
	}
	return s, nil
}
