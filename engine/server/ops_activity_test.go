//go:build linux

package server_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/mgmt"
)

// Each activity shows its Mirror Status while it runs and raises its own
// start, pause, resume and stop events.
func TestActivityStatusAndEvents(t *testing.T) {
	for _, tc := range []struct {
		activity, word                   string
		start, pause, resume, stop, done int
	}{
		{mgmt.ActivityVerify, "Verifying", 4058, 4059, 4060, 4061, 4062},
		{mgmt.ActivityOrphans, "Removing Orphans", 4048, 4049, 4050, 4051, 4052},
		{mgmt.ActivityRestore, "Restoring", 4053, 4054, 4055, 4056, 4057},
	} {
		t.Run(tc.activity, func(t *testing.T) {
			p := startJob(t, nil, nil)
			w := watchEvents(t, p.Src, tc.start, tc.pause, tc.resume, tc.stop, tc.done)
			ctx := context.Background()
			// The activity's queries wait behind an op a paused target holds.
			if err := p.Tgt.PauseTarget(ctx); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(p.SrcDir, "held.txt"), "held")
			p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool { return st.Counters["conOpsInAckQueue"] > 0 })
			if err := p.Src.StartActivity(ctx, "j", tc.activity, mgmt.ActivityOptions{}); err != nil {
				t.Fatal(err)
			}
			w.next(tc.start)
			status := func() string { st, _ := p.Src.JobStatus(ctx, "j"); return st.MirrorStatus }
			if got := status(); got != tc.word {
				t.Fatalf("Mirror Status %q, want %q", got, tc.word)
			}
			for _, other := range []string{mgmt.ActivityVerify, mgmt.ActivityOrphans, mgmt.ActivityRestore} {
				if err := p.Src.StartActivity(ctx, "j", other, mgmt.ActivityOptions{}); err == nil {
					t.Fatalf("%s started beside a running %s", other, tc.activity)
				}
			}
			steps := []struct {
				action string
				event  int
				word   string
			}{
				{mgmt.ActionPause, tc.pause, "Paused"},
				{mgmt.ActionResume, tc.resume, tc.word},
			}
			for _, s := range steps {
				if err := p.Src.ControlActivity(ctx, "j", tc.activity, s.action); err != nil {
					t.Fatal(err)
				}
				w.next(s.event)
				if got := status(); got != s.word {
					t.Fatalf("after %s: Mirror Status %q, want %q", s.action, got, s.word)
				}
			}
			if err := p.Src.ControlActivity(ctx, "j", tc.activity, mgmt.ActionStop); err != nil {
				t.Fatal(err)
			}
			w.next(tc.stop)
			if err := p.Tgt.ResumeTarget(ctx); err != nil {
				t.Fatal(err)
			}
			if st := p.WaitIdle(t, "j", wait); st.MirrorStatus != "Idle" {
				t.Fatalf("Mirror Status %q after the stop", st.MirrorStatus)
			}
			if n := w.count(tc.done); n != 0 {
				t.Fatalf("a stopped %s completed", tc.activity)
			}
		})
	}
}
