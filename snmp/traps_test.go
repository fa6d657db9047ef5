package snmp

import (
	"context"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/posteo/go-agentx/pdu"
)

func TestTrapMap(t *testing.T) {
	cat := catalog.Must()
	m := newTrapMap(cat, testLayout(t))
	for _, tc := range []struct {
		source string
		id     int
		want   string
	}{
		{"Double-Take", 4016, "dttrapConnectionSucceeded"},
		{"Double-Take", 4010, "dttrapConnectionSucceeded"},
		{"Double-Take", 4015, "dttrapConnectionPause"},
		{"RepDrv", 8196, "dttrapMemoryLimitReached"},
		{"Double-Take", 4000, "dttrapKernelStarted"},
	} {
		n, ok := m.lookup(events.Event{Source: tc.source, ID: tc.id})
		if !ok || n.Name != tc.want {
			t.Errorf("%s %d: %v %v, want %s", tc.source, tc.id, n.Name, ok, tc.want)
		}
	}
	if m.wants(events.Event{Source: "Double-Take", ID: 4071}) {
		t.Error("an event of no trap is wanted")
	}
	// Every catalog trap event is mapped to its trap.
	for _, tr := range cat.Traps {
		for _, k := range tr.Events {
			if n, ok := m.lookup(events.Event{Source: k.Source, ID: k.ID}); !ok || n.Name != tr.Name {
				t.Errorf("%s: %s maps to %q", tr.Name, k, n.Name)
			}
		}
	}
}

func TestTrapVarbinds(t *testing.T) {
	l := testLayout(t)
	n, _ := l.Notification("dttrapMirrorStart")
	tr := trapFor(l, n, events.Event{Source: "Double-Take", ID: 4019, Message: "Service has started a mirror",
		Context: events.Context{ConnID: 3, Peer: "t:1100", RepSet: "rs"}})
	if len(tr.vars) != 6 {
		t.Fatalf("%d varbinds", len(tr.vars))
	}
	want := []any{int32(3), "t:1100", "rs", "Service has started a mirror", "Double-Take", uint32(4019)}
	for i, vb := range tr.vars {
		if vb.val != want[i] || vb.oid[len(vb.oid)-1] != 0 {
			t.Errorf("varbind %d: %s = %v, want %v", i, vb.oid, vb.val, want[i])
		}
	}
	if tr.vars[5].typ != pdu.VariableTypeGauge32 || tr.oid.String() != "1.3.6.1.4.1.32473.0.24" {
		t.Errorf("types or OID: %+v", tr)
	}
}

// A path that cannot send fills its queue; what it cannot hold is dropped
// and counted, and nothing waits for it.
func TestOutboxDropsWhenFull(t *testing.T) {
	block := make(chan struct{})
	o := newOutbox("stuck", nil, func(ctx context.Context, _ trap) error {
		select {
		case <-block:
		case <-ctx.Done():
		}
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go o.run(ctx)
	start := time.Now()
	for i := 0; i < outboxSize+10; i++ {
		o.put(trap{name: "x"})
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("put blocked for %s", d)
	}
	if got := o.dropped.Load(); got < 9 || got > 10 {
		t.Errorf("dropped %d, want 9 or 10 (one may be in flight)", got)
	}
	close(block)
	waitFor(t, "queue drained", 5*time.Second, func() bool { return o.pending.Load() == 0 })
	if o.sent.Load()+o.dropped.Load() != outboxSize+10 {
		t.Errorf("sent %d + dropped %d", o.sent.Load(), o.dropped.Load())
	}
}
