//go:build linux

package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
)

// TestSourceRestartSendsItsJournal stops the target, changes the source
// (creations, overwrites, renames and removals), restarts the source while
// the target is still down, then brings the target back: what the source
// had queued must arrive from its journal after the restart. The restart
// is clean (SIGTERM), so no orphan pass runs: the removals and renames can
// only come from the journal, since a mirror never removes anything.
func TestSourceRestartSendsItsJournal(t *testing.T) {
	p := startPair(t, pairOpts{})
	p.tgt.kill()
	// Wait until the source saw the target go.
	p.waitStatus(t, 30*time.Second, "auto-disconnect", func(st mgmt.JobStatus) bool {
		return st.ConState&mgmt.ConStateError != 0
	})
	ents, err := os.ReadDir(p.srcDir)
	if err != nil {
		t.Fatal(err)
	}
	removed := 0
	for _, e := range ents {
		if e.Type().IsRegular() && removed < 10 {
			if err := os.Remove(filepath.Join(p.srcDir, e.Name())); err != nil {
				t.Fatal(err)
			}
			removed++
		}
	}
	for i := 0; i < 20; i++ {
		if err := os.WriteFile(filepath.Join(p.srcDir, fmt.Sprintf("queued-%02d", i)), []byte(strings.Repeat("q", 1000*i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(filepath.Join(p.srcDir, "queued-05"), filepath.Join(p.srcDir, "renamed-05")); err != nil {
		t.Fatal(err)
	}
	// Everything captured is queued once the queue stops growing.
	var queued int64
	p.waitStatus(t, 30*time.Second, "changes queued", func(st mgmt.JobStatus) bool {
		n := st.Counters["conOpsInRepQueue"]
		stable := n > 0 && n == queued
		queued = n
		return stable
	})
	p.src.stop(t)
	p.src.start(t)
	st := p.waitStatus(t, 30*time.Second, "journal recovered", func(st mgmt.JobStatus) bool {
		return st.Counters["conOpsInRepQueue"] > 0
	})
	if st.Counters["conBytesInDiskQueue"] == 0 {
		t.Errorf("recovered operations not counted in conBytesInDiskQueue: %v", st.Counters)
	}
	out, _ := os.ReadFile(p.src.logPath())
	if !strings.Contains(string(out), "source disk queue recovered") {
		t.Errorf("the restarted source did not report its recovered queue")
	}
	if strings.Contains(string(out), "orphan") {
		t.Errorf("a clean restart ran an orphan pass: the test would not prove the journal")
	}
	p.tgt.start(t)
	if ok, why := p.waitSynced(t, 60*time.Second); !ok {
		t.Fatalf("after the restart: %s", why)
	}
	t.Logf("%d operations were queued before the restart; %d files removed while the target was down", queued, removed)
}
