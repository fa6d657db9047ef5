package refparse

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// guideRef reads the committed copy of the reference.
func guideRef(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../testdata/reference-guide-7.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// eventsMini is a chapter 6 in the reference's layout: a table of contents
// line, an introduction, a message wrapped over two lines, an action a page
// break split, both spellings of the action label and "Informational".
const eventsMini = "Chapter 6 Windows Event messages\t42\n" +
	"Chapter 6 Windows Event messages\n\n" +
	"Intro text: with a colon.\n\n" +
	"4019: Service has started a mirror to %1 (%2)\nfor Replication Set %3, ID: %1\n\n" +
	"Event log—Application\n\nSource—Double-Take\n\nType or Level—Informational\n\n" +
	"User action required—Ensure that the share path does\n\nexist.\n\n" +
	"8192: Kernel memory is exhausted.\n\n" +
	"Event log—System\n\nSource—RepDrv, RepKap, RepHsm, or RepSis\n\nType or Level—Error\n\n" +
	"Required response—Reboot.\n\n" +
	"Chapter 7 Performance Monitor\n"

func TestParseEventsMini(t *testing.T) {
	got, err := ParseEvents(eventsMini)
	if err != nil {
		t.Fatal(err)
	}
	want := []catalog.Event{
		{
			Source: "Double-Take", Sources: []string{"Double-Take"}, ID: 4019, Log: "Application",
			Level:   catalog.LevelInformation,
			Message: "Service has started a mirror to %1 (%2) for Replication Set %3, ID: %1",
			Action:  "Ensure that the share path does exist.", Inserts: 3,
		},
		{
			Source: "RepDrv", Sources: []string{"RepDrv", "RepKap", "RepHsm", "RepSis"}, ID: 8192,
			Log: "System", Level: catalog.LevelError, Message: "Kernel memory is exhausted.",
			Action: "Reboot.",
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestParseEventsSourceLists(t *testing.T) {
	for list, want := range map[string][]string{
		"Double-Take Management Service":    {"Double-Take Management Service"},
		"RepDrv or RepHsm":                  {"RepDrv", "RepHsm"},
		"RepDrv, RepKap, or RepHsm":         {"RepDrv", "RepKap", "RepHsm"},
		"RepDrv, RepDac, RepKap, or RepHsm": {"RepDrv", "RepDac", "RepKap", "RepHsm"},
	} {
		ref := strings.Replace(eventsMini, "RepDrv, RepKap, RepHsm, or RepSis", list, 1)
		evs, err := ParseEvents(ref)
		if err != nil {
			t.Fatal(err)
		}
		if got := evs[1].Sources; !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %q, want %q", list, got, want)
		}
	}
}

func TestParseEventsRejects(t *testing.T) {
	cases := map[string]string{
		"no chapter":    strings.Replace(eventsMini, "Chapter 6 Windows Event messages\n", "", 1),
		"no end":        strings.Replace(eventsMini, "Chapter 7 Performance Monitor", "", 1),
		"unknown level": strings.Replace(eventsMini, "Type or Level—Error", "Type or Level—Critical", 1),
		"unknown log":   strings.Replace(eventsMini, "Event log—System", "Event log—Security", 1),
		"missing level": strings.Replace(eventsMini, "Type or Level—Error\n", "", 1),
		"out of order":  strings.Replace(eventsMini, "Event log—System\n\nSource—RepDrv, RepKap, RepHsm, or RepSis", "Source—RepDrv\n\nEvent log—System", 1),
		"twice":         strings.Replace(eventsMini, "Required response—Reboot.", "Required response—Reboot.\n\nUser action required—Again.", 1),
		"empty source":  strings.Replace(eventsMini, "RepDrv, RepKap, RepHsm, or RepSis", "RepDrv, , RepKap", 1),
		"no events":     "Chapter 6 Windows Event messages\n\nNothing.\n\nChapter 7 Performance Monitor\n",
	}
	for name, ref := range cases {
		if _, err := ParseEvents(ref); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseEventsReference(t *testing.T) {
	evs, err := ParseEvents(guideRef(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 278 {
		t.Fatalf("%d events, want 278", len(evs))
	}
	levels := map[catalog.Level]int{}
	for _, e := range evs {
		levels[e.Level]++
	}
	// The reference's 97 Information and 8 Informational make 105.
	want := map[catalog.Level]int{"Error": 119, "Information": 105, "Warning": 51, "Success": 3}
	if !reflect.DeepEqual(levels, want) {
		t.Errorf("levels %v, want %v", levels, want)
	}
	// 10003's action is the reference's one paragraph a page break split.
	for _, e := range evs {
		if e.ID == 10003 && !strings.Contains(e.Action, "share path does exist and that") {
			t.Errorf("10003 action not rejoined: %q", e.Action)
		}
	}
}

func TestCountInserts(t *testing.T) {
	for msg, want := range map[string]int{
		"":                           0,
		"%1":                         1,
		"%1 %1":                      1,
		"%3 %1 %2 %3":                3,
		"The registry parameter %2.": 1,
		"%n%1%n---%nError:%n%2.":     2,
		"%12":                        1,
	} {
		if got := CountInserts(msg); got != want {
			t.Errorf("CountInserts(%q) = %d, want %d", msg, got, want)
		}
	}
}
