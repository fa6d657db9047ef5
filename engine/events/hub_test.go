package events

import (
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestRaiseRendersFromCatalog(t *testing.T) {
	h := NewHub(catalog.Must())
	sub := h.Subscribe(4, nil)
	defer sub.Close()
	h.Raise(catalog.EventDoubleTake4016, Context{ConnID: 3}, "tgt", "10.0.0.1", "set1", "3")
	ev := <-sub.C()
	want := "Service has established a connection to tgt (10.0.0.1) for Replication Set set1, ID: 3"
	if ev.Message != want || ev.Level != catalog.LevelInformation || ev.Log != "Application" || ev.ConnID != 3 {
		t.Fatalf("got %+v", ev)
	}
}

func TestUnknownEventStillDelivered(t *testing.T) {
	h := NewHub(catalog.Must())
	sub := h.Subscribe(1, nil)
	h.Raise("NoSuchSource/1", Context{}, "a", "b")
	if ev := <-sub.C(); ev.Message != "a b" {
		t.Fatalf("got %q", ev.Message)
	}
	if h.Stats().Unknown != 1 {
		t.Fatalf("unknown not counted: %+v", h.Stats())
	}
}

// A subscriber that never reads must not slow the publisher down: 100,000
// raises with a full one-slot buffer finish well within the deadline and
// every undelivered event is counted as dropped.
func TestSlowSubscriberNeverBlocks(t *testing.T) {
	h := NewHub(catalog.Must())
	dead := h.Subscribe(1, nil)
	defer dead.Close()
	live := h.Subscribe(200000, func(e Event) bool { return e.ID == 4014 })
	done := make(chan struct{})
	go func() {
		for i := 0; i < 100000; i++ {
			h.Raise(catalog.EventDoubleTake4014, Context{})
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Raise blocked on a subscriber that does not read")
	}
	if dead.Dropped() != 99999 {
		t.Fatalf("dropped %d, want 99999", dead.Dropped())
	}
	if len(live.C()) != 100000 {
		t.Fatalf("live subscriber got %d", len(live.C()))
	}
	st := h.Stats()
	if st.Published != 100000 || st.Delivered != 100001 || st.Dropped != 99999 {
		t.Fatalf("hub stats %+v", st)
	}
}

func TestFilterAndClose(t *testing.T) {
	h := NewHub(catalog.Must())
	sub := h.Subscribe(10, func(e Event) bool { return e.ID == 4015 })
	h.Raise(catalog.EventDoubleTake4014, Context{})
	h.Raise(catalog.EventDoubleTake4015, Context{})
	if len(sub.C()) != 1 {
		t.Fatalf("filter let through %d", len(sub.C()))
	}
	sub.Close()
	h.Raise(catalog.EventDoubleTake4015, Context{})
	if len(sub.C()) != 1 {
		t.Fatal("closed subscription still receives")
	}
}
