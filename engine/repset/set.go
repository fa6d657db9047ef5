package repset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
)

// codeRuleNotExist is chapter 5's "Job replication rule does not exist".
const codeRuleNotExist = 136

// Set is a named replication set. Use New or json.Unmarshal to build one;
// the zero value has no root and matches nothing.
type Set struct {
	mu   sync.Mutex // serialises rule changes and size updates
	name string
	root string
	tab  atomic.Pointer[table]
	size Size
}

// table is an immutable snapshot of the rules: readers load it without
// locking, writers replace it whole.
type table struct {
	rules []compiledRule // in the order the user gave them
}

// New builds a set. A rule whose Path repeats an earlier one replaces it, as
// AddRule does.
func New(name, root string, rules ...Rule) (*Set, error) {
	if strings.TrimSpace(name) == "" {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "replication set name is empty")
	}
	clean, err := cleanRoot(root)
	if err != nil {
		return nil, err
	}
	s := &Set{name: name, root: clean}
	t := &table{}
	for _, r := range rules {
		c, err := compileRule(r)
		if err != nil {
			return nil, fmt.Errorf("replication set %q: %w", name, err)
		}
		t.put(c)
	}
	s.tab.Store(t)
	return s, nil
}

// cleanRoot validates a root path; a bad one is code 140.
func cleanRoot(root string) (string, error) {
	if root == "" || strings.IndexByte(root, 0) >= 0 || !filepath.IsAbs(root) {
		return "", catalog.Err(catalog.CodeSourcePathInvalid, "root %q must be an absolute path", root)
	}
	return filepath.Clean(root), nil
}

// put adds c or replaces the rule with the same path, keeping its position.
func (t *table) put(c compiledRule) {
	for i := range t.rules {
		if t.rules[i].Path == c.Path {
			t.rules[i] = c
			return
		}
	}
	t.rules = append(t.rules, c)
}

// Name is the set's name.
func (s *Set) Name() string { return s.name }

// Root is the absolute, cleaned root directory.
func (s *Set) Root() string { return s.root }

// Rules returns a copy of the rules in their order.
func (s *Set) Rules() []Rule {
	t := s.table()
	out := make([]Rule, len(t.rules))
	for i := range t.rules {
		out[i] = t.rules[i].Rule
	}
	return out
}

func (s *Set) table() *table {
	if t := s.tab.Load(); t != nil {
		return t
	}
	return &table{}
}

// AddRule adds r, or changes the attributes of the rule with the same path.
func (s *Set) AddRule(r Rule) error {
	c, err := compileRule(r)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.table()
	t := &table{rules: append([]compiledRule(nil), old.rules...)}
	t.put(c)
	s.tab.Store(t)
	return nil
}

// RemoveRule deletes the rule with the given path; code 136 if there is
// none.
func (s *Set) RemoveRule(path string) error {
	path = normPath(path)
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.table()
	t := &table{rules: make([]compiledRule, 0, len(old.rules))}
	for _, c := range old.rules {
		if c.Path != path {
			t.rules = append(t.rules, c)
		}
	}
	if len(t.rules) == len(old.rules) {
		return catalog.Err(codeRuleNotExist, "rule %q in replication set %q", path, s.name)
	}
	s.tab.Store(t)
	return nil
}

// CheckRoot verifies that the root exists and is a directory (code 140
// otherwise).
func (s *Set) CheckRoot() error {
	fi, err := os.Stat(s.root)
	if err != nil {
		return catalog.Wrap(catalog.CodeSourcePathInvalid, err, "replication set %q", s.name)
	}
	if !fi.IsDir() {
		return catalog.Err(catalog.CodeSourcePathInvalid, "replication set %q: %s is not a directory", s.name, s.root)
	}
	return nil
}

// Matches reports whether the entry at rel (relative to the root,
// slash-separated; "" is the root) is protected by the set.
func (s *Set) Matches(rel string, isDir bool) bool {
	comps := split(rel)
	t := s.table()
	sc := newScratch(len(comps))
	var best *compiledRule
	for i := range t.rules {
		c := &t.rules[i]
		if !c.judge(comps, isDir, sc).applies {
			continue
		}
		if best == nil || c.moreSpecific(best) {
			best = c
		}
	}
	return best != nil && best.Include
}

// WantDir reports whether the directory at rel must be walked or watched
// because some entry below it may be protected. It errs on the side of true:
// a false answer guarantees that nothing below rel is protected.
func (s *Set) WantDir(rel string) bool {
	comps := split(rel)
	t := s.table()
	sc := newScratch(len(comps))
	// Exclusions that cover the whole subtree, and inclusions that may reach
	// into it.
	var covering, reaching []*compiledRule
	for i := range t.rules {
		c := &t.rules[i]
		v := c.judge(comps, true, sc)
		switch {
		case !c.Include && v.covers:
			covering = append(covering, c)
		case c.Include && v.below:
			reaching = append(reaching, c)
		}
	}
Reaching:
	for _, in := range reaching {
		for _, ex := range covering {
			if !in.moreSpecific(ex) {
				continue Reaching
			}
		}
		return true
	}
	return false
}

// split turns a relative path into components; "" and "." are the root.
func split(rel string) []string {
	rel = strings.Trim(rel, "/")
	if rel == "" || rel == "." {
		return nil
	}
	return strings.Split(rel, "/")
}
