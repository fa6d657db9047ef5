//go:build linux

package faults

import (
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
)

// TestNetworkCut runs the source and the target in their own network
// namespaces and takes the link between them down under load, for longer
// than NetworkTimeout: the source auto-disconnects (events 4007 and 4008,
// conState Error) while capture goes on, reconnects once the link is back
// (4009, 4010), and the replica ends equal to the source. One short cut,
// under NetworkTimeout, must ride through without a disconnect.
func TestNetworkCut(t *testing.T) {
	n := trials(t, 3)
	l := newNetLink(t)
	const timeout = 2 // NetworkTimeout, seconds
	set := map[string]string{"NetworkTimeout": "2"}
	p := startPair(t, pairOpts{srcNS: l.srcNS, tgtNS: l.tgtNS, targetHost: l.tgtAddr, src: set, tgt: set})
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	w := newWorkload(p.srcDir, "n", seed)
	t.Logf("seed %d, %d cuts", seed, n)

	// A blip shorter than NetworkTimeout: TCP retransmits, no disconnect.
	r := w.run(2 * time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	l.cut(t)
	time.Sleep(500 * time.Millisecond)
	l.mend(t)
	r.halt()
	if ok, why := p.waitSynced(t, 30*time.Second); !ok {
		t.Fatalf("after a short cut: %s", why)
	}
	if v := p.sourceStats(t).Source.Values["autoDisConnects"]; v != 0 {
		t.Fatalf("a %s cut under NetworkTimeout caused %d auto-disconnects", 500*time.Millisecond, v)
	}

	ran, identical := 0, 0
	for i := 1; i <= n; i++ {
		r := w.run(2 * time.Millisecond)
		time.Sleep(time.Duration(200+rng.Intn(800)) * time.Millisecond)
		l.cut(t)
		st := p.waitStatus(t, 4*timeout*time.Second, "auto-disconnect after the cut", func(st mgmt.JobStatus) bool {
			return st.ConState&mgmt.ConStateError != 0
		})
		if !strings.Contains(st.LastError, "unreachable") && !strings.Contains(st.LastError, "timeout") {
			t.Errorf("cut %d: disconnect reason %q does not say the target is unreachable", i, st.LastError)
		}
		time.Sleep(time.Duration(500+rng.Intn(2500)) * time.Millisecond) // down, capture goes on
		l.mend(t)
		time.Sleep(time.Duration(rng.Intn(500)) * time.Millisecond)
		r.halt()
		ran++
		if ok, why := p.waitSynced(t, 45*time.Second); ok {
			identical++
		} else {
			t.Errorf("cut %d: replica differs after reconnecting: %s", i, why)
		}
	}
	src := p.sourceStats(t).Source.Values
	if src["autoDisConnects"] < int64(n) || src["autoReConnects"] < int64(n) {
		t.Errorf("%d cuts: autoDisConnects %d, autoReConnects %d", n, src["autoDisConnects"], src["autoReConnects"])
	}
	ev := countEvents(p.src.events(t))
	for _, id := range []int{4007, 4008, 4009, 4010} {
		if ev[id] < n {
			t.Errorf("event %d raised %d times for %d cuts", id, ev[id], n)
		}
	}
	t.Logf("network cut trials: %d ran, %d identical; autoDisConnects %d autoReConnects %d",
		ran, identical, src["autoDisConnects"], src["autoReConnects"])
}
