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
			explain(t, p, w, why)
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

// explain logs what the workload did to the names in why, and the lines
// of both servers' engine logs that mention them or say how the
// connection stood (disconnects, mirrors, dropped operations).
func explain(t *testing.T, p *pair, w *workload, why string) {
	t.Helper()
	names := strings.FieldsFunc(why, func(r rune) bool { return r == '/' || r == ':' || r == ' ' })
	var keep []string
	for _, n := range names {
		if len(n) > 3 {
			keep = append(keep, n)
		}
	}
	for _, l := range w.history(keep...) {
		t.Logf("  workload %s", l)
	}
	for _, side := range []*proc{p.src, p.tgt} {
		for _, e := range side.events(t) {
			mentions := false
			for _, n := range keep {
				mentions = mentions || strings.Contains(e.Message, n)
			}
			switch {
			case mentions, e.ID == 4150, e.ID == 4065, e.ID == 4007, e.ID == 4010, e.ID == 4019, e.ID == 4023:
				t.Logf("  %s %s %d %s", side.name, e.Time.Format("15:04:05.000"), e.ID, e.Message)
			}
		}
	}
}
