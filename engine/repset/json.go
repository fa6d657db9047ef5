package repset

import (
	"encoding/json"
	"fmt"
)

// setJSON is the persisted form of a Set.
type setJSON struct {
	Name  string `json:"name"`
	Root  string `json:"root"`
	Rules []Rule `json:"rules"`
	Size  *Size  `json:"size,omitempty"`
}

// MarshalJSON writes the name, root, rules in order and the last calculated
// size, if any.
func (s *Set) MarshalJSON() ([]byte, error) {
	v := setJSON{Name: s.name, Root: s.root, Rules: s.Rules()}
	if sz := s.Size(); !sz.LastCalculated.IsZero() {
		v.Size = &sz
	}
	if v.Rules == nil {
		v.Rules = []Rule{}
	}
	return json.Marshal(v)
}

// UnmarshalJSON validates what it reads as New does: a persisted set that no
// longer validates is refused rather than half loaded.
func (s *Set) UnmarshalJSON(b []byte) error {
	var v setJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("replication set: %w", err)
	}
	n, err := New(v.Name, v.Root, v.Rules...)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.name, s.root = n.name, n.root
	s.tab.Store(n.table())
	s.size = Size{}
	if v.Size != nil {
		s.size = *v.Size
	}
	return nil
}
