package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"sync"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/spf13/pflag"
)

// Store holds every setting's value in effect. It is safe for concurrent use.
type Store struct {
	path string
	ix   *index
	log  *slog.Logger

	writeMu sync.Mutex // serialises Set's read-modify-write of the file

	mu      sync.RWMutex
	flags   map[string]*pflag.Flag // key(name) -> bound flag
	file    *fileLayer             // the last file contents accepted
	cur     map[string]*state      // key(name) -> value in effect
	subs    map[int]func(Change)
	nextSub int

	optErr error
}

// state is one setting's value in effect and what waits for a restart.
type state struct {
	value   string
	source  Source
	pending *resolved // a file change held back until restart
}

// Option configures Open.
type Option func(*Store)

// WithLogger sets where refused reloads and unknown keys are reported;
// slog.Default() otherwise.
func WithLogger(l *slog.Logger) Option { return func(s *Store) { s.log = l } }

// WithFlag binds a command-line flag to a setting before the values are
// read, so a bad flag value is refused by Open like a bad file value.
func WithFlag(name string, f *pflag.Flag) Option {
	return func(s *Store) {
		st, err := s.ix.find(name)
		if err != nil {
			s.optErr = errors.Join(s.optErr, err)
			return
		}
		s.flags[key(st.Name)] = f
	}
}

// Open reads the configuration file at path (DefaultPath when empty; a
// missing file means defaults), the DTREP_* environment and bound flags,
// validates every value and returns the Store.
func Open(path string, opts ...Option) (*Store, error) {
	if path == "" {
		p, err := DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	s := &Store{
		path:  path,
		ix:    newIndex(catalog.Must().Settings),
		log:   slog.Default(),
		flags: map[string]*pflag.Flag{},
		subs:  map[int]func(Change){},
	}
	for _, o := range opts {
		o(s)
	}
	if s.optErr != nil {
		return nil, fmt.Errorf("settings: %w", s.optErr)
	}
	layer, err := s.readFile()
	if err != nil {
		return nil, err
	}
	if err := errors.Join(s.checkEnv(), s.checkFlags()); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	vals, err := s.resolve(layer)
	if err != nil {
		return nil, err
	}
	s.file = layer
	s.cur = map[string]*state{}
	for k, r := range vals {
		s.cur[k] = &state{value: r.value, source: r.source}
	}
	s.reportUnknown(layer)
	return s, nil
}

// Path is the configuration file the Store reads and Set writes.
func (s *Store) Path() string { return s.path }

// readFile reads and validates the configuration file.
func (s *Store) readFile() (*fileLayer, error) {
	b, err := os.ReadFile(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	layer, err := parseConfig(s.ix, b)
	if err != nil {
		return nil, fmt.Errorf("settings: %s: %w", s.path, err)
	}
	return layer, nil
}

func (s *Store) reportUnknown(layer *fileLayer) {
	for _, k := range layer.unknown {
		s.log.Warn("settings: unknown key kept but not used", "file", s.path, "key", k)
	}
}

// checkEnv validates every DTREP_<NAME> variable that is set.
func (s *Store) checkEnv() error {
	var errs []error
	for _, st := range s.ix.list {
		if v, ok := os.LookupEnv(EnvName(st.Name)); ok {
			if err := Validate(st, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", EnvName(st.Name), err))
			}
		}
	}
	return errors.Join(errs...)
}

// checkFlags validates every bound flag the command line set.
func (s *Store) checkFlags() error {
	var errs []error
	for k, f := range s.flags {
		if !f.Changed {
			continue
		}
		st, _ := s.ix.lookup(k)
		if err := Validate(st, f.Value.String()); err != nil {
			errs = append(errs, fmt.Errorf("--%s: %w", f.Name, err))
		}
	}
	return errors.Join(errs...)
}

// Get returns the value in effect of the named setting.
func (s *Store) Get(name string) (string, error) {
	st, err := s.ix.find(name)
	if err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cur[key(st.Name)].value, nil
}

// String returns the value in effect of a setting.
func (s *Store) String(id catalog.SettingID) string {
	v, err := s.Get(id.Name())
	if err != nil {
		panic("BUG: settings: the catalog and its generated names disagree: " + err.Error())
	}
	return v
}

// Int returns the value in effect of an int, enum or bool setting. A
// setting of another type is a programming error and panics.
func (s *Store) Int(id catalog.SettingID) int64 {
	st := s.must(id.Name(), TypeInt, TypeEnum, TypeBool)
	n, err := strconv.ParseInt(s.String(id), 10, 64)
	if err != nil {
		panic(fmt.Sprintf("BUG: settings: %s: %v", st.Name, err))
	}
	return n
}

// Bool returns the value in effect of a bool setting (1 is true). A
// setting of another type is a programming error and panics.
func (s *Store) Bool(id catalog.SettingID) bool {
	s.must(id.Name(), TypeBool)
	return s.String(id) == "1"
}

func (s *Store) must(name string, types ...string) catalog.Setting {
	st, err := s.ix.find(name)
	if err != nil {
		panic("BUG: settings: " + err.Error())
	}
	for _, t := range types {
		if st.Type == t {
			return st
		}
	}
	panic(fmt.Sprintf("BUG: settings: %s is a %s setting, not %v", st.Name, st.Type, types))
}

// All returns every setting in catalog order (the reference's, then dtrep's
// extensions) with its value in effect, where it came from and any value
// waiting for a restart.
func (s *Store) All() []Entry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]Entry, 0, len(s.ix.list))
	for _, st := range s.ix.list {
		c := s.cur[key(st.Name)]
		e := Entry{
			Name:            st.Name,
			Value:           display(st, c.value),
			Source:          c.source,
			Default:         display(st, st.Value),
			RestartRequired: restartNeeded(st),
			Status:          st.Status,
			Extension:       st.Extension,
		}
		if c.pending != nil {
			e.PendingRestart, e.Pending = true, display(st, c.pending.value)
		}
		out = append(out, e)
	}
	return out
}

// Lookup returns the catalog entry of a setting, whatever the case of name.
func (s *Store) Lookup(name string) (catalog.Setting, error) { return s.ix.find(name) }
