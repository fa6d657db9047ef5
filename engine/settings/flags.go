package settings

import (
	"fmt"

	"github.com/spf13/pflag"
)

// BindFlag makes flag f override the named setting when set on the command
// line. A bad value is refused with the same error Open gives; on success the
// flag's value is in effect at once.
func (s *Store) BindFlag(name string, f *pflag.Flag) error {
	st, err := s.ix.find(name)
	if err != nil {
		return err
	}
	if f.Changed {
		if err := Validate(st, f.Value.String()); err != nil {
			return fmt.Errorf("--%s: %w", f.Name, err)
		}
	}
	s.mu.Lock()
	s.flags[key(st.Name)] = f
	layer := s.file
	s.mu.Unlock()
	vals, err := s.resolve(layer)
	if err != nil {
		return err
	}
	// Flags are bound while the service starts, so the value applies
	// whatever its restart answer.
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(st.Name)
	s.cur[k].value, s.cur[k].source = vals[k].value, vals[k].source
	return nil
}
