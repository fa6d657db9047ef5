package elasticsearch

import (
	"strconv"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// eventDoc is the ECS document of one raised event.
type eventDoc struct {
	Timestamp  string          `json:"@timestamp"`
	Message    string          `json:"message"`
	ECS        ecsField        `json:"ecs"`
	Event      eventField      `json:"event"`
	Log        logField        `json:"log"`
	Host       hostField       `json:"host"`
	Service    serviceField    `json:"service"`
	DataStream dataStreamField `json:"data_stream"`
	Dtrep      dtrepEvent      `json:"dtrep"`
}

type dtrepEvent struct {
	Event dtrepEventInfo `json:"event"`
	concerns
}

// dtrepEventInfo keeps what ECS has no field for, in the reference's words.
type dtrepEventInfo struct {
	ID     int    `json:"id"`
	Source string `json:"source"`
	Log    string `json:"log"`   // Application or System
	Level  string `json:"level"` // as the reference writes it
	// InsertionStrings are %1..%n in order; Params repeats them one field
	// each (param1...) because a keyword array is stored sorted, and a
	// query for "the target of 4007" needs %2, not "some string".
	InsertionStrings []string          `json:"insertion_strings,omitempty"`
	Params           map[string]string `json:"params,omitempty"`
	RequiredAction   string            `json:"required_action,omitempty"`
}

// docBuilder renders documents for one server and namespace.
type docBuilder struct {
	cat       *catalog.Catalog
	host      string
	namespace string
	mirrors   mirrorClock
}

func newDocBuilder(cat *catalog.Catalog, host, namespace string) *docBuilder {
	return &docBuilder{cat: cat, host: host, namespace: namespace, mirrors: mirrorClock{}}
}

// event renders ev. It never fails: every field is a string or number, and
// invalid UTF-8 in insertion strings (file names) is replaced rather than
// refused, as encoding/json does.
func (b *docBuilder) event(ev events.Event) []byte {
	d := b.eventDoc(ev)
	return appendEventDoc(make([]byte, 0, eventDocSize), &d)
}

// eventDoc is ev's document before rendering.
func (b *docBuilder) eventDoc(ev events.Event) eventDoc {
	d := eventDoc{
		Timestamp: formatTime(ev.Time),
		Message:   ev.Message,
		ECS:       ecsField{Version: ecsVersion},
		Event: eventField{Kind: "event", Code: strconv.Itoa(ev.ID), Provider: ev.Source,
			Severity: severity(ev.Level), Dataset: eventsDataset, Module: module, Sequence: ev.Seq},
		Log:        logField{Level: logLevel(ev.Level)},
		Host:       hostField{Name: b.host},
		Service:    serviceField{Name: serviceName, Type: serviceName},
		DataStream: dataStreamField{Type: "logs", Dataset: eventsDataset, Namespace: b.namespace},
		Dtrep: dtrepEvent{
			Event: dtrepEventInfo{ID: ev.ID, Source: ev.Source, Log: ev.Log, Level: string(ev.Level),
				InsertionStrings: ev.Args},
			concerns: newConcerns(ev.ConnID, ev.Job, ev.RepSet, ev.Peer),
		},
	}
	if len(ev.Args) > 0 {
		d.Dtrep.Event.Params = make(map[string]string, len(ev.Args))
		for i, a := range ev.Args {
			d.Dtrep.Event.Params[paramName(i+1)] = a
		}
	}
	if ce, ok := b.cat.Event(ev.Source, ev.ID); ok {
		d.Dtrep.Event.RequiredAction = ce.Action
	}
	if start, ok := b.mirrors.observe(ev); ok {
		d.Event.Start = formatTime(start)
		d.Event.Duration = ev.Time.Sub(start).Nanoseconds()
	}
	return d
}

// eventDocSize is room for a typical event document (~1 KiB with its
// required action), so rendering one rarely grows the buffer.
const eventDocSize = 1536

// Mirror events of chapter 6 the exporter times.
const (
	eventMirrorStarted   = 4019
	eventMirrorStopped   = 4022
	eventMirrorCompleted = 4023
)

// mirrorClock remembers when each connection's mirror started so the event
// that ends it can carry the duration. It is used by one goroutine only.
type mirrorClock map[int]time.Time

// observe records a start and, for an end, returns the matching start.
func (m mirrorClock) observe(ev events.Event) (time.Time, bool) {
	if ev.Source != events.SourceEngine || ev.ConnID == 0 {
		return time.Time{}, false
	}
	switch ev.ID {
	case eventMirrorStarted:
		m[ev.ConnID] = ev.Time
	case eventMirrorStopped, eventMirrorCompleted:
		start, ok := m[ev.ConnID]
		delete(m, ev.ConnID)
		return start, ok
	}
	return time.Time{}, false
}
