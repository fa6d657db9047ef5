//go:build linux

package faults

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/failover"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/treecmp"
)

// TestFailoverCycle runs a source and a target `dtrep serve` in their own
// network namespaces. The target monitors the source: 20 blips shorter
// than the threshold meet no condition; a real cut meets it after the
// configured number of missed probes and not before (6011, 6010). A
// manual failover runs both scripts (5105, 5106) and makes the copy live
// (6110, 6111; the source shows Restore Required); files written on the
// copy afterwards reach the old source through reverse protection (6130,
// 6131), which ends with identical trees.
func TestFailoverCycle(t *testing.T) {
	l := newNetLink(t)
	p := startPair(t, pairOpts{srcNS: l.srcNS, tgtNS: l.tgtNS, targetHost: l.tgtAddr})
	ctx := context.Background()
	tc := p.tgt.client()
	defer tc.Close()

	scripts := t.TempDir()
	marks := filepath.Join(scripts, "ran")
	script := func(name string) string {
		path := filepath.Join(scripts, name)
		body := fmt.Sprintf("#!/bin/sh\necho \"$DTREP_FAILOVER_STEP $DTREP_SET\" >> %s\n", marks)
		if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		return path
	}
	const interval, missed = 200 * time.Millisecond, 10
	threshold := missed * interval
	spec := failover.Spec{Set: p.job, Source: p.src.addr(l.srcAddr), Interval: failover.Duration(interval),
		Missed: missed, Pre: []string{script("pre.sh")}, Post: []string{script("post.sh")},
		CopyPath: p.tgtDir, OrigPath: p.srcDir}
	if _, err := tc.MonitorSource(ctx, spec); err != nil {
		t.Fatal(err)
	}
	state := func() failover.Status {
		t.Helper()
		st, err := tc.FailoverStatus(ctx)
		if err != nil || len(st) != 1 {
			t.Fatalf("failover status %v, %v", st, err)
		}
		return st[0]
	}
	if v, err := tc.View(ctx); err != nil {
		t.Fatal(err)
	} else if got, _ := v.Root.Get("Failover module"); got != "Yes" {
		t.Errorf("view: Failover module %q, want Yes", got)
	}

	// Blips shorter than the threshold: no condition. A blip costs more
	// misses than its length (the neighbour entry and the session's TCP
	// retransmission recover after the link), so the most misses in a
	// row is recorded.
	blip, most := threshold/4, 0
	for i := range 20 {
		l.cut(t)
		time.Sleep(blip)
		l.mend(t)
		for end := time.Now().Add(threshold / 2); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
			st := state()
			most = max(most, st.Missed)
			if st.State != failover.StateMonitoring {
				t.Fatalf("blip %d of %s (threshold %s): state %s", i, blip, threshold, st.State)
			}
		}
	}
	t.Logf("20 blips of %s: at most %d of %d probes missed in a row", blip, most, missed)
	if n := countEvents(p.tgt.managementEvents(t))[6010]; n != 0 {
		t.Fatalf("%d failover conditions met during blips", n)
	}

	// A real cut: the condition is met after the threshold, not before.
	l.cut(t)
	cutAt := time.Now()
	for state().State != failover.StateConditionMet {
		if time.Since(cutAt) > threshold+10*interval {
			t.Fatalf("condition not met %s after the cut (threshold %s)", time.Since(cutAt), threshold)
		}
		time.Sleep(20 * time.Millisecond)
	}
	took := time.Since(cutAt)
	if took < threshold-interval {
		t.Errorf("condition met %s after the cut, before the threshold %s", took, threshold)
	}
	t.Logf("condition met %s after the cut (threshold %s)", took, threshold)
	ev := countEvents(p.tgt.managementEvents(t))
	if ev[6011] != 1 || ev[6010] != 1 {
		t.Errorf("events 6011 %d, 6010 %d; want one each", ev[6011], ev[6010])
	}

	// Manual failover: scripts, then the copy is live.
	if err := tc.FailoverAction(ctx, p.job, mgmt.FailoverStart); err != nil {
		t.Fatal(err)
	}
	if st := state(); st.State != failover.StateFailedOver {
		t.Fatalf("after failover: %+v", st)
	}
	if b, _ := os.ReadFile(marks); string(b) != "pre-failover "+p.job+"\npost-failover "+p.job+"\n" {
		t.Errorf("scripts ran: %q", b)
	}
	mev := countEvents(p.tgt.managementEvents(t))
	eev := countEvents(p.tgt.events(t))
	if mev[6110] != 1 || mev[6111] != 1 || eev[5105] != 2 || eev[5106] != 2 {
		t.Errorf("events 6110 %d 6111 %d 5105 %d 5106 %d", mev[6110], mev[6111], eev[5105], eev[5106])
	}

	// Data written on the live copy after failover.
	for i := range 10 {
		if err := os.WriteFile(filepath.Join(p.tgtDir, fmt.Sprintf("after-failover-%d", i)), []byte(strings.Repeat("f", 1000*i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The source comes back and learns its target copy is Restore Required;
	// its job stops, and protection is reversed.
	l.mend(t)
	p.waitStatus(t, 60*time.Second, "the source sees Restore Required", func(st mgmt.JobStatus) bool {
		return st.TargetDataState == "Restore Required"
	})
	sc := p.src.client()
	defer sc.Close()
	if err := sc.StopJob(ctx, p.job); err != nil {
		t.Fatal(err)
	}
	if err := tc.FailoverAction(ctx, p.job, mgmt.FailoverReverse); err != nil {
		t.Fatal(err)
	}
	if st := state(); st.State != failover.StateReversed || st.ReverseJob != failover.ReverseJobName(p.job) {
		t.Fatalf("after reverse: %+v", st)
	}
	deadline := time.Now().Add(90 * time.Second)
	var diff string
	for {
		st, err := tc.JobStatus(ctx, failover.ReverseJobName(p.job))
		if err == nil && idle(st) {
			if diff = treecmp.Compare(p.tgtDir, p.srcDir); diff == "" {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("reverse protection: status %+v %v; trees: %s", st, err, diff)
		}
		time.Sleep(250 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(p.srcDir, "after-failover-9")); err != nil {
		t.Errorf("data written after failover did not reach the old source: %v", err)
	}
	mev = countEvents(p.tgt.managementEvents(t))
	if mev[6130] != 1 || mev[6131] != 1 {
		t.Errorf("events 6130 %d 6131 %d", mev[6130], mev[6131])
	}
}
