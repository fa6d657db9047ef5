package prometheus

import (
	"context"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// Warnings and errors start at zero; raised events are counted by source,
// ID and level, unknown ones too.
func TestEventsCounted(t *testing.T) {
	eng := newFakeEngine(t)
	e := newTestExporter(t, eng, Options{})
	mfs := gather(t, e)
	diskFull := map[string]string{"source": "Double-Take", "id": "4110", "level": "Warning"}
	if v := mustSample(t, mfs, "dtrep_events_total", diskFull); v != 0 {
		t.Fatalf("4110 before any event = %v, want a zero series", v)
	}
	if _, ok := sample(mfs, "dtrep_events_total", map[string]string{"id": "4000"}); ok {
		t.Error("an information event is pre-created")
	}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	defer func() { cancel(); <-done }()
	eng.hub.Raise(catalog.EventDoubleTake4110, events.Context{}, "/data/f", "forever")
	eng.hub.Raise(catalog.EventDoubleTake4110, events.Context{}, "/data/g", "forever")
	eng.hub.Raise(catalog.EventDoubleTake4000, events.Context{})
	eng.hub.Raise("Nobody/1", events.Context{})

	deadline := time.Now().Add(5 * time.Second)
	for {
		mfs = gather(t, e)
		v, _ := sample(mfs, "dtrep_events_total", diskFull)
		u, _ := sample(mfs, "dtrep_events_total", map[string]string{"source": "Nobody", "id": "1"})
		if v == 2 && u == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("4110 counted %v times (want 2), unknown %v (want 1)", v, u)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if v := mustSample(t, mfs, "dtrep_events_total", map[string]string{"id": "4000", "level": "Information"}); v != 1 {
		t.Errorf("4000 = %v, want 1", v)
	}
	if v := mustSample(t, mfs, "dtrep_events_published_total", nil); v != 4 {
		t.Errorf("published = %v, want 4", v)
	}
	if v := mustSample(t, mfs, "dtrep_events_unknown_total", nil); v != 1 {
		t.Errorf("unknown = %v, want 1", v)
	}
}

// A subscription nobody drains loses events, and both the hub and the
// exporter say how many.
func TestEventDropsReported(t *testing.T) {
	eng := newFakeEngine(t)
	e := newTestExporter(t, eng, Options{EventBuffer: 1})
	for range 5 {
		eng.hub.Raise(catalog.EventDoubleTake4000, events.Context{})
	}
	mfs := gather(t, e)
	if v := mustSample(t, mfs, "dtrep_exporter_events_dropped_total", nil); v != 4 {
		t.Errorf("exporter dropped = %v, want 4", v)
	}
	if v := mustSample(t, mfs, "dtrep_events_dropped_total", nil); v != 4 {
		t.Errorf("hub dropped = %v, want 4", v)
	}
}

// Close unsubscribes: events raised afterwards reach no one.
func TestCloseUnsubscribes(t *testing.T) {
	eng := newFakeEngine(t)
	e := newTestExporter(t, eng, Options{})
	e.Close()
	eng.hub.Raise(catalog.EventDoubleTake4000, events.Context{})
	if st := eng.hub.Stats(); st.Delivered != 0 || st.Dropped != 0 {
		t.Errorf("after Close: %+v", st)
	}
}
