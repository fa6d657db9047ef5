package catalog_test

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

func TestTrapsMatchReference(t *testing.T) {
	want, err := refparse.ParseTraps(guideText(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != 40 {
		t.Errorf("reference parses to %d traps, want 40", len(want))
	}
	got := guideCatalog(t).Traps
	if len(got) != len(want) {
		t.Fatalf("catalog has %d traps, reference %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Description != want[i].Description {
			t.Errorf("trap %d: %s %q, want %s %q", i, got[i].Name, got[i].Description, want[i].Name, want[i].Description)
		}
	}
}

// Each trap's events exist, name one message only (not a key the
// reference shares between two), and raise no other trap, so one event
// never sends two traps.
func TestTrapEvents(t *testing.T) {
	c := guideCatalog(t)
	raisedBy := map[catalog.EventKey]string{}
	for _, tr := range c.Traps {
		if tr.Events == nil {
			t.Errorf("%s: events is null, want a list", tr.Name)
		}
		for _, k := range tr.Events {
			if _, ok := c.Event(k.Source, k.ID); !ok {
				t.Errorf("%s: event %s is not in the catalog", tr.Name, k)
			}
			n := 0
			for _, e := range c.EventsByID(k.ID) {
				for _, s := range e.Sources {
					if s == k.Source {
						n++
					}
				}
			}
			if n != 1 {
				t.Errorf("%s: event %s names %d messages", tr.Name, k, n)
			}
			if other, dup := raisedBy[k]; dup {
				t.Errorf("%s: event %s already raises %s", tr.Name, k, other)
			}
			raisedBy[k] = tr.Name
		}
	}
}

// The traps whose meaning matches an event one for one.
func TestTrapEventsByMeaning(t *testing.T) {
	c := guideCatalog(t)
	want := map[string]int{
		"dttrapKernelStarted":     4000,
		"dttrapTargetStarted":     4001,
		"dttrapSourceStarted":     4002,
		"dttrapSourceStopped":     4003,
		"dttrapTargetStopped":     4004,
		"dttrapKernelStopped":     4005,
		"dttrapAutoReconnect":     4009,
		"dttrapConnectionLost":    4017,
		"dttrapMirrorStart":       4019,
		"dttrapMirrorPause":       4020,
		"dttrapMirrorResume":      4021,
		"dttrapMirrorStop":        4022,
		"dttrapReplicationStart":  4024,
		"dttrapRestoreStarted":    4053,
		"dttrapRestoreComplete":   4057,
		"dttrapVerificationStart": 4058,
		"dttrapVerificationEnd":   4062,
		"dttrapRepSetModified":    4073,
		"dttrapTargetFull":        4110,
	}
	for name, id := range want {
		tr, ok := c.Trap(name)
		if !ok {
			t.Errorf("%s missing", name)
			continue
		}
		if len(tr.Events) == 0 || tr.Events[0] != (catalog.EventKey{Source: "Double-Take", ID: id}) {
			t.Errorf("%s raised by %v, want Double-Take/%d first", name, tr.Events, id)
		}
	}
	if tr, _ := c.Trap("dttrapMemoryLimitReached"); len(tr.Events) != 1 || tr.Events[0] != (catalog.EventKey{Source: "RepDrv", ID: 8196}) {
		t.Errorf("dttrapMemoryLimitReached raised by %v, want RepDrv/8196", tr.Events)
	}
}
