package refparse

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

const (
	eventsChapterTitle = "Chapter 6 Windows Event messages"
	eventsChapterEnd   = "Chapter 7 "
)

// eventsHead matches the line that opens an entry: "4019: Service has ...".
// Only the first paragraph of an entry can look like this; the count checks
// in the tests would notice a wrapped line that happened to.
var eventsHead = regexp.MustCompile(`^(\d+): (.*)$`)

// eventsLabels maps the labels of an entry's lines to the field they fill.
// The reference words the last one two ways.
var eventsLabels = []struct{ prefix, field string }{
	{"Event log—", "log"},
	{"Source—", "source"},
	{"Type or Level—", "level"},
	{"User action required—", "action"},
	{"Required response—", "action"},
}

// eventsFieldOrder is the order every entry writes its fields in.
var eventsFieldOrder = []string{"message", "log", "source", "level", "action"}

// eventsSourceSep splits "RepDrv, RepKap, RepHsm, or RepSis" and
// "RepDrv or RepHsm". Source names contain spaces ("Double-Take Management
// Service") but never a comma or the word "or".
var eventsSourceSep = regexp.MustCompile(`\s*,\s*(?:or\s+)?|\s+or\s+`)

// eventsInsert matches an insertion point. %n (a line break in Windows
// message templates) is not one.
var eventsInsert = regexp.MustCompile(`%(\d+)`)

// ParseEvents extracts every message of chapter 6, in the reference's order.
// Wrapped lines are joined with a space; "Informational" is read as
// Information.
func ParseEvents(ref string) ([]catalog.Event, error) {
	paras, err := chapterParas(ref, eventsChapterTitle, eventsChapterEnd)
	if err != nil {
		return nil, fmt.Errorf("refparse: events: %w", err)
	}
	var (
		out []catalog.Event
		cur *eventsRecord
	)
	for _, p := range paras {
		if m := eventsHead.FindStringSubmatch(p); m != nil {
			if cur != nil {
				e, err := cur.event()
				if err != nil {
					return nil, err
				}
				out = append(out, e)
			}
			id, err := strconv.Atoi(m[1])
			if err != nil {
				return nil, fmt.Errorf("refparse: events: id %q: %w", m[1], err)
			}
			cur = &eventsRecord{id: id, fields: map[string]string{"message": m[2]}, last: "message"}
			continue
		}
		if cur == nil {
			continue // the chapter's introduction
		}
		if err := cur.add(p); err != nil {
			return nil, err
		}
	}
	if cur == nil {
		return nil, fmt.Errorf("refparse: events: no events found")
	}
	e, err := cur.event()
	if err != nil {
		return nil, err
	}
	return append(out, e), nil
}

// eventsRecord collects one entry's fields while parsing.
type eventsRecord struct {
	id     int
	fields map[string]string
	last   string // the field a label-less paragraph continues
}

// add files one paragraph: a labelled line starts the next field, anything
// else continues the field before it (a wrapped line or a paragraph a page
// break split).
func (r *eventsRecord) add(p string) error {
	for _, l := range eventsLabels {
		if text, ok := strings.CutPrefix(p, l.prefix); ok {
			if _, dup := r.fields[l.field]; dup {
				return fmt.Errorf("refparse: events: %d: %s given twice", r.id, strings.TrimSuffix(l.prefix, "—"))
			}
			want := eventsFieldOrder[len(r.fields)]
			if l.field != want {
				return fmt.Errorf("refparse: events: %d: %s where %s was expected", r.id, l.field, want)
			}
			r.fields[l.field], r.last = strings.TrimSpace(text), l.field
			return nil
		}
	}
	r.fields[r.last] += " " + p
	return nil
}

// event checks the record is complete and builds the catalog entry.
func (r *eventsRecord) event() (catalog.Event, error) {
	for _, f := range eventsFieldOrder {
		if r.fields[f] == "" {
			return catalog.Event{}, fmt.Errorf("refparse: events: %d: no %s", r.id, f)
		}
	}
	sources := eventsSourceSep.Split(r.fields["source"], -1)
	for _, s := range sources {
		if s == "" {
			return catalog.Event{}, fmt.Errorf("refparse: events: %d: bad source list %q", r.id, r.fields["source"])
		}
	}
	log := r.fields["log"]
	if log != "Application" && log != "System" {
		return catalog.Event{}, fmt.Errorf("refparse: events: %d: unknown event log %q", r.id, log)
	}
	level, err := eventsLevel(r.fields["level"])
	if err != nil {
		return catalog.Event{}, fmt.Errorf("refparse: events: %d: %w", r.id, err)
	}
	msg := r.fields["message"]
	return catalog.Event{
		Source:  sources[0],
		Sources: sources,
		ID:      r.id,
		Log:     log,
		Level:   level,
		Message: msg,
		Action:  r.fields["action"],
		Inserts: CountInserts(msg),
	}, nil
}

// eventsLevel reads a "Type or Level" value.
func eventsLevel(s string) (catalog.Level, error) {
	switch l := catalog.Level(s); l {
	case catalog.LevelError, catalog.LevelWarning, catalog.LevelInformation, catalog.LevelSuccess:
		return l, nil
	case "Informational":
		return catalog.LevelInformation, nil
	}
	return "", fmt.Errorf("unknown level %q", s)
}

// CountInserts returns the number of distinct insertion points (%1, %2, ...)
// in a message template; a point used twice counts once.
func CountInserts(msg string) int {
	seen := map[string]bool{}
	for _, m := range eventsInsert.FindAllStringSubmatch(msg, -1) {
		seen[m[1]] = true
	}
	return len(seen)
}
