package eventlog

import (
	"fmt"
	"sort"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Event types of ReportEvent (winnt.h EVENTLOG_*_TYPE).
const (
	TypeSuccess     uint16 = 0x0000
	TypeError       uint16 = 0x0001
	TypeWarning     uint16 = 0x0002
	TypeInformation uint16 = 0x0004
)

// Severity values of a message identifier's top two bits (winerror.h).
const (
	severitySuccess       uint32 = 0
	severityInformational uint32 = 1
	severityWarning       uint32 = 2
	severityError         uint32 = 3
)

// WindowsEvent is one event as the Windows writer reports it and as Event
// Viewer, Get-WinEvent, wevtutil and SCOM rules find it.
//
// A tool displays ID, the reference's number (the low 16 bits of
// MessageID). MessageID is the full 32-bit identifier ReportEvent passes and
// the message table holds: the top two bits are the severity that matches
// Level, and the facility bits say which source (and, where the reference
// lists two messages under one source, ID and level, which of them) the
// text belongs to, so every source's text resolves to its own message even
// where sources reuse an ID.
type WindowsEvent struct {
	Log    string        // the log the source is registered in: "Application" or "System"
	Source string        // the reference's source name, e.g. "RepKap"
	ID     uint16        // the event ID tools display, the reference's
	Level  catalog.Level // the reference's level
	Type   uint16        // ReportEvent's wType for Level
	// MessageID is the full identifier: severity, facility, ID.
	MessageID uint32
	// Message is the reference's template with %1..%n insertion points.
	Message string
	// Action is the reference's required response.
	Action string
	// Inserts is how many insertion strings the message takes.
	Inserts int
	// ReferenceLog is the log the reference names. It differs from Log
	// only where the reference puts one source's events in two logs (the
	// Double-Take 10000 placeholder warning in System): Windows resolves a
	// source name to one log, so the writer reports it in the source's.
	ReferenceLog string
}

// Triple is what an event rule matches: "Application/Double-Take/4019".
func (w WindowsEvent) Triple() string { return fmt.Sprintf("%s/%s/%d", w.Log, w.Source, w.ID) }

// WindowsSource is one event source to register.
type WindowsSource struct {
	Name     string
	Log      string
	Facility uint16 // the facility of its message identifiers (first message of each ID and level)
}

// WindowsSources lists every event source of the catalog in the order the
// catalog first names them, each with the log it is registered in: the log
// most of its events name.
func WindowsSources(cat *catalog.Catalog) []WindowsSource {
	var order []string
	perLog := map[string]map[string]int{}
	for _, e := range cat.Events {
		for _, s := range e.Sources {
			if perLog[s] == nil {
				perLog[s] = map[string]int{}
				order = append(order, s)
			}
			perLog[s][e.Log]++
		}
	}
	out := make([]WindowsSource, len(order))
	for i, s := range order {
		logs := perLog[s]
		best := ""
		for l, n := range logs {
			if best == "" || n > logs[best] || (n == logs[best] && l < best) {
				best = l
			}
		}
		out[i] = WindowsSource{Name: s, Log: best, Facility: uint16(i + 1)}
	}
	return out
}

// variantShift puts the variant number (0 for the first message the
// reference lists under a source, ID and level, 1 for the second) above the
// source number in the 12-bit facility.
const variantShift = 8

// WindowsEvents returns every (source, event) pair of the catalog as the
// Windows writer reports it: one entry per source an event lists, sorted by
// log, source, ID and message identifier. The SCOM packs' event rules and
// the writer's registrations are computed from this list, so both always
// cover the same (log, source, ID) triples.
func WindowsEvents(cat *catalog.Catalog) ([]WindowsEvent, error) {
	sources := WindowsSources(cat)
	bySource := map[string]WindowsSource{}
	for _, s := range sources {
		bySource[s.Name] = s
	}
	type variantKey struct {
		source string
		id     int
		level  catalog.Level
	}
	variants := map[variantKey]int{}
	var out []WindowsEvent
	for _, e := range cat.Events {
		if e.ID < 0 || e.ID > 0xFFFF {
			return nil, fmt.Errorf("eventlog: event %s: ID does not fit the 16 bits of a Windows event ID", e.Key())
		}
		sev, typ, err := levelBits(e.Level)
		if err != nil {
			return nil, fmt.Errorf("eventlog: event %s: %w", e.Key(), err)
		}
		for _, s := range e.Sources {
			src := bySource[s]
			k := variantKey{s, e.ID, e.Level}
			v := variants[k]
			variants[k] = v + 1
			facility := uint32(src.Facility) | uint32(v)<<variantShift
			if facility > 0xFFF {
				return nil, fmt.Errorf("eventlog: event %s: too many sources or variants for the facility bits", e.Key())
			}
			out = append(out, WindowsEvent{
				Log: src.Log, Source: s, ID: uint16(e.ID), Level: e.Level, Type: typ,
				MessageID: sev<<30 | facility<<16 | uint32(e.ID),
				Message:   e.Message, Action: e.Action, Inserts: e.Inserts, ReferenceLog: e.Log,
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Log != b.Log {
			return a.Log < b.Log
		}
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		return a.MessageID < b.MessageID
	})
	return out, nil
}

// levelBits maps a catalog level to the identifier's severity and
// ReportEvent's type.
func levelBits(l catalog.Level) (severity uint32, typ uint16, err error) {
	switch l {
	case catalog.LevelError:
		return severityError, TypeError, nil
	case catalog.LevelWarning:
		return severityWarning, TypeWarning, nil
	case catalog.LevelInformation:
		return severityInformational, TypeInformation, nil
	case catalog.LevelSuccess:
		return severitySuccess, TypeSuccess, nil
	}
	return 0, 0, fmt.Errorf("level %q has no Windows event type", l)
}
