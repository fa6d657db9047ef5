package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Result says what a Set did.
type Result struct {
	Name  string // the reference's spelling
	Value string // as written (normalised; secrets redacted)
	// RestartRequired: the value takes effect only after a service restart.
	RestartRequired bool
	// Status is the setting's catalog status: internal and unused settings
	// are written all the same, and reported as such.
	Status catalog.SettingStatus
	// OverriddenBy is SourceEnv or SourceFlag when that layer hides the
	// file's value, so the write has no effect while it does.
	OverriddenBy Source
}

// String is the one-line report the CLI prints.
func (r Result) String() string {
	s := fmt.Sprintf("%s=%s", r.Name, r.Value)
	switch r.Status {
	case catalog.SettingUnused:
		s += " (this setting is no longer used; the value has no effect)"
	case catalog.SettingInternal:
		s += " (internal setting: used by Double-Take itself and not meant to be modified)"
	}
	if r.RestartRequired && r.Status == catalog.SettingActive {
		s += ": restart required"
	}
	if r.OverriddenBy != "" {
		s += fmt.Sprintf(" (overridden by %s %s)", r.OverriddenBy, overrideName(r))
	}
	return s
}

func overrideName(r Result) string {
	if r.OverriddenBy == SourceEnv {
		return EnvName(r.Name)
	}
	return "flag"
}

// Set validates value and writes it to the configuration file, editing the
// file in place and replacing it atomically. Nothing is written when the
// value, or the file as it would become, does not validate. The Store then
// applies the file as a reload does: live settings change now, the others
// wait for a restart (see All).
func (s *Store) Set(name, value string) (Result, error) {
	st, err := s.ix.find(name)
	if err != nil {
		return Result{}, err
	}
	norm, err := Normalize(st, value)
	if err != nil {
		return Result{}, err
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	old, err := os.ReadFile(s.path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return Result{}, fmt.Errorf("settings: %w", err)
	}
	out, err := editConfig(old, st.Name, norm)
	if err != nil {
		return Result{}, fmt.Errorf("settings: %s: %w", s.path, err)
	}
	layer, err := parseConfig(s.ix, out)
	if err != nil {
		return Result{}, fmt.Errorf("settings: %s: %w", s.path, err)
	}
	if err := writeAtomic(s.path, out); err != nil {
		return Result{}, fmt.Errorf("settings: %s: %w", s.path, err)
	}
	changes, err := s.apply(layer)
	if err != nil {
		return Result{}, err
	}
	s.notify(changes)
	res := Result{Name: st.Name, Value: display(st, norm), RestartRequired: restartNeeded(st), Status: st.Status}
	s.mu.RLock()
	if src := s.cur[key(st.Name)].source; src == SourceEnv || src == SourceFlag {
		res.OverriddenBy = src
	}
	s.mu.RUnlock()
	return res, nil
}
