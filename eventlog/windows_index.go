package eventlog

import (
	"strconv"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// WindowsIndex finds the WindowsEvent a raised event is reported as.
type WindowsIndex struct {
	byKey   map[windowsKey][]WindowsEvent
	sources []WindowsSource
}

type windowsKey struct {
	source string
	id     int
	level  catalog.Level
}

// NewWindowsIndex indexes WindowsEvents(cat).
func NewWindowsIndex(cat *catalog.Catalog) (*WindowsIndex, error) {
	evs, err := WindowsEvents(cat)
	if err != nil {
		return nil, err
	}
	ix := &WindowsIndex{byKey: map[windowsKey][]WindowsEvent{}, sources: WindowsSources(cat)}
	for _, e := range evs {
		k := windowsKey{e.Source, int(e.ID), e.Level}
		ix.byKey[k] = append(ix.byKey[k], e)
	}
	return ix, nil
}

// Sources lists the sources to register.
func (ix *WindowsIndex) Sources() []WindowsSource { return ix.sources }

// Lookup returns the entry ev is reported under. Where the reference lists
// two messages under one source, ID and level, the one whose template
// renders to ev's message wins. An event the catalog lacks has no entry.
func (ix *WindowsIndex) Lookup(ev events.Event) (WindowsEvent, bool) {
	cands := ix.byKey[windowsKey{ev.Source, ev.ID, ev.Level}]
	switch len(cands) {
	case 0:
		return WindowsEvent{}, false
	case 1:
		return cands[0], true
	}
	for _, c := range cands {
		if (catalog.Event{Message: c.Message}).Render(ev.Args...) == ev.Message {
			return c, true
		}
	}
	return cands[0], true
}

// Inserts returns the insertion strings ReportEvent passes for w: the
// event's arguments, padded with empty strings up to the highest %n the
// message names (RepKap 4098 names only %2), so FormatMessage never reads
// past the array.
func Inserts(w WindowsEvent, args []string) []string {
	highest := 0
	for _, m := range insertion.FindAllStringSubmatch(w.Message, -1) {
		if n, err := strconv.Atoi(m[1]); err == nil && n > highest {
			highest = n
		}
	}
	if len(args) >= highest {
		return args
	}
	out := make([]string, highest)
	copy(out, args)
	return out
}
