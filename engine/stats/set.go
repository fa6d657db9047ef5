package stats

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Set is one instance of a scope: its counters by catalog name.
type Set struct {
	scope  catalog.Scope
	key    string            // instance key: "" for singletons, peer address, connection ID
	labels map[string]string // immutable after creation

	ints  map[string]*atomic.Int64 // fixed at creation: read without locking
	mu    sync.Mutex
	texts map[string]string       // info values (addresses, file names, times)
	funcs map[string]func() int64 // values computed at snapshot time
}

func newSet(cat *catalog.Catalog, scope catalog.Scope, key string, labels map[string]string) *Set {
	s := &Set{scope: scope, key: key, labels: labels,
		ints: map[string]*atomic.Int64{}, texts: map[string]string{}, funcs: map[string]func() int64{}}
	for _, c := range cat.Counters {
		if c.Scope != scope {
			continue
		}
		if c.Kind == catalog.KindInfo {
			s.texts[c.Name] = ""
		} else {
			s.ints[c.Name] = new(atomic.Int64)
		}
	}
	return s
}

// Scope is the set's scope.
func (s *Set) Scope() catalog.Scope { return s.scope }

// Key is the set's instance key.
func (s *Set) Key() string { return s.key }

// Counter returns the live value of a catalog counter of this scope. Asking
// for a name the catalog does not give this scope is a programming error.
func (s *Set) Counter(name string) *atomic.Int64 {
	v, ok := s.ints[name]
	if !ok {
		panic(fmt.Sprintf("BUG: stats: %s has no numeric counter %q", s.scope, name))
	}
	return v
}

// SetFunc makes name computed at snapshot time (queue lengths and other
// values the engine already tracks elsewhere). fn must be cheap and must not
// block on engine locks for long.
func (s *Set) SetFunc(name string, fn func() int64) {
	s.Counter(name) // validates the name
	s.mu.Lock()
	s.funcs[name] = fn
	s.mu.Unlock()
}

// SetText sets an info value.
func (s *Set) SetText(name, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.texts[name]; !ok {
		panic(fmt.Sprintf("BUG: stats: %s has no info counter %q", s.scope, name))
	}
	s.texts[name] = v
}

// Instance is a point-in-time copy of one Set.
type Instance struct {
	Scope  catalog.Scope     `json:"scope"`
	Key    string            `json:"key,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	Values map[string]int64  `json:"values"`
	Texts  map[string]string `json:"texts,omitempty"`
}

func (s *Set) snapshot() Instance {
	in := Instance{Scope: s.scope, Key: s.key, Labels: s.labels,
		Values: make(map[string]int64, len(s.ints)), Texts: map[string]string{}}
	for n, v := range s.ints {
		in.Values[n] = v.Load()
	}
	s.mu.Lock()
	for n, t := range s.texts {
		in.Texts[n] = t
	}
	funcs := make(map[string]func() int64, len(s.funcs))
	for n, f := range s.funcs {
		funcs[n] = f
	}
	s.mu.Unlock()
	for n, f := range funcs {
		in.Values[n] = f()
	}
	return in
}

// Names lists the numeric counter names of the set, sorted.
func (s *Set) Names() []string {
	out := make([]string, 0, len(s.ints))
	for n := range s.ints {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Instance returns a point-in-time copy of the set.
func (s *Set) Instance() Instance { return s.snapshot() }
