package scom

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/dtrep/dtrep/engine/catalog"
)

// EventTriple is what a SCOM event rule matches on: the Windows log, the
// event source (the provider name Event Viewer shows) and the event ID it
// displays.
type EventTriple struct {
	Log    string
	Source string
	ID     int
}

func (t EventTriple) String() string { return fmt.Sprintf("%s/%s/%d", t.Log, t.Source, t.ID) }

// CounterSet is one Performance Monitor object with its counters, in the
// order the provider registers them.
type CounterSet struct {
	Name          string // e.g. "Double-Take Connection"
	MultiInstance bool   // one instance per connection or per source peer
	Counters      []string
}

// Inputs are the two surfaces the pack watches. The pack must match them
// exactly: a rule for an event the Windows writer never reports, or for a
// counter the provider does not register, would never fire.
type Inputs struct {
	Events      []EventTriple
	CounterSets []CounterSet
}

// CatalogInputs derives the surfaces from the catalog: every (log, source,
// ID) of chapter 6, each source an event lists counting, and every counter
// with a Performance Monitor object (chapter 7), objects in the reference's
// order.
func CatalogInputs(cat *catalog.Catalog) Inputs {
	var in Inputs
	seen := map[EventTriple]bool{}
	for _, e := range cat.Events {
		for _, s := range e.Sources {
			t := EventTriple{Log: e.Log, Source: s, ID: e.ID}
			if !seen[t] {
				seen[t] = true
				in.Events = append(in.Events, t)
			}
		}
	}
	sets := map[string]int{}
	for _, c := range cat.Counters {
		if c.PerfObject == "" {
			continue
		}
		i, ok := sets[c.PerfObject]
		if !ok {
			i = len(in.CounterSets)
			sets[c.PerfObject] = i
			multi := c.Scope == catalog.ScopeConnection || c.Scope == catalog.ScopeTarget
			in.CounterSets = append(in.CounterSets, CounterSet{Name: c.PerfObject, MultiInstance: multi})
		}
		in.CounterSets[i].Counters = append(in.CounterSets[i].Counters, c.PerfCounter)
	}
	in.sort()
	return in
}

// sort puts events in (source, ID, log) order so rules read like the
// reference's tables and the generated files do not depend on input order.
func (in *Inputs) sort() {
	slices.SortFunc(in.Events, func(a, b EventTriple) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Log, b.Log))
	})
}

// DefaultInputs are the surfaces the shipped packs watch.
func DefaultInputs(cat *catalog.Catalog) Inputs { return CatalogInputs(cat) }
