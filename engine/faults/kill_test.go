//go:build linux

package faults

import (
	"math/rand"
	"strings"
	"testing"
	"time"
)

// TestKillSourceAndTarget kills the source or the target process with
// SIGKILL at a random point of a mixed workload, restarts it, and checks
// that automatic recovery makes the replica equal to the source. After a
// target kill the workload goes on while the target is down: the source
// keeps capturing and resends what the target had not made durable.
// After a source kill the workload stops with the source (what it changed
// up to the kill must arrive, nothing changes while the source is down):
// the restarted source sends what its journal holds, then its recovery
// remirror and orphan removal find what capture lost in the kill.
func TestKillSourceAndTarget(t *testing.T) {
	n := trials(t, 5)
	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewSource(seed))
	t.Logf("seed %d, %d kills of each side", seed, n)
	p := startPair(t, pairOpts{})
	w := newWorkload(p.srcDir, "k", seed)
	ran, identical := 0, 0
	for i := 0; i < 2*n; i++ {
		victim := p.tgt
		if i%2 == 1 {
			victim = p.src
		}
		r := w.run(time.Millisecond)
		time.Sleep(time.Duration(200+rng.Intn(1200)) * time.Millisecond)
		victim.kill()
		if victim == p.src {
			r.halt()
		}
		time.Sleep(time.Duration(50+rng.Intn(700)) * time.Millisecond)
		victim.start(t)
		if victim == p.tgt {
			time.Sleep(time.Duration(100+rng.Intn(600)) * time.Millisecond)
			r.halt()
		}
		ran++
		ok, why := p.waitSynced(t, 45*time.Second)
		if ok {
			identical++
		} else {
			t.Errorf("trial %d (%s killed): replica differs after recovery: %s", i+1, victim.name, why)
		}
	}
	// The source's engine log outlives its restarts: every target kill
	// was an auto-disconnect naming the restarted target, and a reconnect.
	restarted, reconnects := 0, 0
	for _, e := range p.src.events(t) {
		switch {
		case e.ID == 4007 && strings.Contains(e.Message, "target server has restarted"):
			restarted++
		case e.ID == 4010:
			reconnects++
		}
	}
	if restarted < n || reconnects < n {
		t.Errorf("%d target kills: %d auto-disconnects naming a restarted target (4007), %d reconnects (4010)",
			n, restarted, reconnects)
	}
	t.Logf("kill trials: %d ran, %d identical; auto-disconnects for a restarted target %d, auto-reconnects %d",
		ran, identical, restarted, reconnects)
}
