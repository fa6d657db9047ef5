package scom

import (
	"fmt"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/eventlog"
	"github.com/dtrep/dtrep/exporters/perfmon"
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

// Event is one message the Windows writer reports under a triple; a few
// triples carry two (the reference reuses some IDs).
type Event struct {
	EventTriple
	Level   catalog.Level
	Message string // the template, %1..%n
	Action  string // the reference's required action
}

// CounterSet is one Performance Monitor object with its counters, in the
// order the provider registers them.
type CounterSet struct {
	Name          string // e.g. "Double-Take Connection"
	MultiInstance bool   // one instance per connection or per source peer
	Counters      []Counter
}

// Counter is one Performance Monitor counter.
type Counter struct {
	Name string // chapter 7's name, e.g. "Bytes transferred"
	Stat string // the catalog counter feeding it
	Unit string // what the shown value counts
}

// Inputs are the two surfaces the pack watches. The pack must match them
// exactly: a rule for an event the Windows writer never reports, or for a
// counter the provider does not register, would never fire.
type Inputs struct {
	Events      []Event
	CounterSets []CounterSet
}

// DefaultInputs are the surfaces the shipped packs watch: the events as
// the Windows Event Log writer reports them (eventlog.WindowsEvents) and
// the counters as the Performance Monitor provider registers them
// (perfmon.CounterSets).
func DefaultInputs(cat *catalog.Catalog) (Inputs, error) {
	events, err := eventlog.WindowsEvents(cat)
	if err != nil {
		return Inputs{}, err
	}
	sets, err := perfmon.CounterSets(cat)
	if err != nil {
		return Inputs{}, err
	}
	var in Inputs
	for _, w := range events {
		in.Events = append(in.Events, Event{EventTriple: EventTriple{Log: w.Log, Source: w.Source, ID: int(w.ID)},
			Level: w.Level, Message: w.Message, Action: w.Action})
	}
	for _, s := range sets {
		set := CounterSet{Name: s.Name, MultiInstance: s.Multiple}
		for _, c := range s.Counters {
			set.Counters = append(set.Counters, Counter{Name: c.Name, Stat: c.Stat, Unit: c.Unit})
		}
		in.CounterSets = append(in.CounterSets, set)
	}
	return in, nil
}
