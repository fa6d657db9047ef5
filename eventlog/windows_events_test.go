package eventlog

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestWindowsEventsCoverCatalog(t *testing.T) {
	cat := catalog.Must()
	evs, err := WindowsEvents(cat)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, e := range cat.Events {
		want += len(e.Sources)
	}
	if len(evs) != want {
		t.Fatalf("%d Windows events for %d (event, source) pairs", len(evs), want)
	}
	ids := map[uint32]WindowsEvent{}
	for _, e := range evs {
		if prev, dup := ids[e.MessageID]; dup {
			t.Fatalf("message identifier 0x%08X shared by %s and %s", e.MessageID, prev.Triple(), e.Triple())
		}
		ids[e.MessageID] = e
		if uint16(e.MessageID) != e.ID {
			t.Errorf("%s: identifier 0x%08X does not display as %d", e.Triple(), e.MessageID, e.ID)
		}
		sev, typ, err := levelBits(e.Level)
		if err != nil || e.MessageID>>30 != sev || e.Type != typ {
			t.Errorf("%s: identifier 0x%08X type %d do not carry level %s", e.Triple(), e.MessageID, e.Type, e.Level)
		}
		if e.Log != e.ReferenceLog && !(e.Source == "Double-Take" && e.ID == 10000) {
			t.Errorf("%s: reported in %s, the reference says %s", e.Triple(), e.Log, e.ReferenceLog)
		}
	}
	// The reference's own examples.
	for _, c := range []struct {
		log, source string
		id          uint16
		level       catalog.Level
	}{
		{"Application", "Double-Take", 4019, catalog.LevelInformation},
		{"System", "RepKap", 4099, catalog.LevelError},
		{"System", "RepDrv", 4099, catalog.LevelWarning},
		{"Application", "Double-Take Management Service", 6003, catalog.LevelInformation},
	} {
		found := false
		for _, e := range evs {
			if e.Log == c.log && e.Source == c.source && e.ID == c.id && e.Level == c.level {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s/%s/%d at level %s", c.log, c.source, c.id, c.level)
		}
	}
}

// Two messages the reference lists under one source, ID and level get
// identifiers of their own, both displayed as the reference's ID.
func TestWindowsEventsVariants(t *testing.T) {
	evs, err := WindowsEvents(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	var got []WindowsEvent
	for _, e := range evs {
		if e.Source == "RepDrv" && e.ID == 8192 {
			got = append(got, e)
		}
	}
	if len(got) != 2 || got[0].MessageID == got[1].MessageID || got[0].Message == got[1].Message {
		t.Fatalf("RepDrv 8192: %+v", got)
	}
}

func TestWindowsSources(t *testing.T) {
	want := map[string]string{
		"Double-Take": "Application", "Double-Take Management Service": "Application", "RepKap": "System",
		"RepDrv": "System", "ExchFailover": "Application", "DTCounters": "Application", "RepDac": "System",
		"RepHsm": "System", "RepSis": "System",
	}
	srcs := WindowsSources(catalog.Must())
	if len(srcs) != len(want) {
		t.Fatalf("sources %+v", srcs)
	}
	for _, s := range srcs {
		if want[s.Name] != s.Log {
			t.Errorf("source %s in %s, want %s", s.Name, s.Log, want[s.Name])
		}
	}
}
