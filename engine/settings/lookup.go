package settings

import (
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// index finds settings by name regardless of case: users write
// autoreconnect or AUTORECONNECT, the environment always upper-cases.
type index struct {
	list  []catalog.Setting
	byKey map[string]int // key() of the name -> position in list
}

func newIndex(list []catalog.Setting) *index {
	ix := &index{list: list, byKey: make(map[string]int, len(list))}
	for i, s := range list {
		ix.byKey[key(s.Name)] = i
	}
	return ix
}

func key(name string) string { return strings.ToLower(name) }

func (ix *index) lookup(name string) (catalog.Setting, bool) {
	i, ok := ix.byKey[key(name)]
	if !ok {
		return catalog.Setting{}, false
	}
	return ix.list[i], true
}

// find is lookup with the catalog's error for an unknown name.
func (ix *index) find(name string) (catalog.Setting, error) {
	s, ok := ix.lookup(name)
	if !ok {
		return s, catalog.Err(catalog.CodeInvalidOption, "unknown setting %q", name)
	}
	return s, nil
}

// EnvName is the environment variable that sets name: DTREP_ and the name
// upper-cased.
func EnvName(name string) string { return "DTREP_" + strings.ToUpper(name) }
