package stats

import (
	"sync"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Set is one instance of scope S: its counters, indexed by the generated
// constants of catalog (catalog.Num[S], catalog.Text[S]), so naming a
// counter the scope lacks does not compile. This is the engine's one way of
// keeping a catalog counter: code bumps Counter(n) on its hot path (or holds
// the pointer it returns), or registers a value computed at snapshot time
// with SetFunc.
type Set[S catalog.ScopeMarker] struct {
	key    string            // instance key: "" for singletons, peer address, connection ID
	labels map[string]string // immutable after creation

	ints  []atomic.Int64 // by catalog.Num[S]: fixed at creation, read without locking
	mu    sync.Mutex
	texts []string       // by catalog.Text[S]: info values (addresses, file names, times)
	funcs []func() int64 // by catalog.Num[S]: values computed at snapshot time
}

func newSet[S catalog.ScopeMarker](key string, labels map[string]string) *Set[S] {
	var sc S
	return &Set[S]{key: key, labels: labels, ints: make([]atomic.Int64, len(sc.NumNames())),
		texts: make([]string, len(sc.TextNames())), funcs: make([]func() int64, len(sc.NumNames()))}
}

// Scope is the set's scope.
func (s *Set[S]) Scope() catalog.Scope { var sc S; return sc.Scope() }

// Key is the set's instance key.
func (s *Set[S]) Key() string { return s.key }

// Counter returns the live value of a numeric counter.
func (s *Set[S]) Counter(n catalog.Num[S]) *atomic.Int64 { return &s.ints[n] }

// SetFunc makes n computed at snapshot time (queue lengths and other values
// the engine already tracks elsewhere). fn must be cheap and must not block
// on engine locks for long.
func (s *Set[S]) SetFunc(n catalog.Num[S], fn func() int64) {
	s.mu.Lock()
	s.funcs[n] = fn
	s.mu.Unlock()
}

// SetText sets an info value.
func (s *Set[S]) SetText(t catalog.Text[S], v string) {
	s.mu.Lock()
	s.texts[t] = v
	s.mu.Unlock()
}

// Instance is a point-in-time copy of one Set, by catalog name.
type Instance struct {
	Scope  catalog.Scope     `json:"scope"`
	Key    string            `json:"key,omitempty"`
	Labels map[string]string `json:"labels,omitempty"`
	Values map[string]int64  `json:"values"`
	Texts  map[string]string `json:"texts,omitempty"`
}

// Instance returns a point-in-time copy of the set.
func (s *Set[S]) Instance() Instance {
	var sc S
	nums, textNames := sc.NumNames(), sc.TextNames()
	in := Instance{Scope: sc.Scope(), Key: s.key, Labels: s.labels,
		Values: make(map[string]int64, len(nums)), Texts: make(map[string]string, len(textNames))}
	for i := range s.ints {
		in.Values[nums[i]] = s.ints[i].Load()
	}
	s.mu.Lock()
	for i, t := range s.texts {
		in.Texts[textNames[i]] = t
	}
	funcs := append([]func() int64(nil), s.funcs...)
	s.mu.Unlock()
	for i, f := range funcs {
		if f != nil {
			in.Values[nums[i]] = f()
		}
	}
	return in
}
