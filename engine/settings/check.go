package settings

import (
	"sync"

	"github.com/dtrep/dtrep/engine/catalog"
)

// checks holds the value checks registered by the modules that read a
// setting, keyed by lower-case name. A type, range or enum is the catalog's;
// what only the reading module understands (an e-mail address list, event
// ID ranges) is checked here too, so that `dtrep option set` and a config
// file refuse the value before anything is written or applied.
var checks sync.Map

// RegisterCheck adds check for the setting name; modules call it from init.
// check returns an error naming the problem (with the catalog's code where
// one fits) for a value the module cannot use.
func RegisterCheck(name string, check func(value string) error) {
	checks.Store(key(name), check)
}

// runCheck applies the registered check of s, if any, to a value already
// valid for its type.
func runCheck(s catalog.Setting, value string) error {
	c, ok := checks.Load(key(s.Name))
	if !ok {
		return nil
	}
	return c.(func(string) error)(value)
}
