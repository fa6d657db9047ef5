//go:build linux

package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server/servertest"
)

// Restore events.
const (
	evRestoreRequired = 4018
	evRestoreStart    = 4053
	evRestoreDone     = 4057
	evDataState       = 4065
)

// failover makes the target's copy authoritative and changes it as the
// users of a failed-over target would.
func failover(t *testing.T, p *servertest.Pair) {
	t.Helper()
	w := watchEvents(t, p.Src, evRestoreRequired)
	tw := watchEvents(t, p.Tgt, evDataState)
	if err := p.Tgt.RequireRestore(context.Background(), "j"); err != nil {
		t.Fatal(err)
	}
	w.next(evRestoreRequired)
	// The initial mirror's own 4065 ("a mirror completed") may still be on
	// its way; the failover's follows it.
	for e := tw.next(evDataState); !strings.Contains(e.Message, "failover"); e = tw.next(evDataState) {
		if !strings.Contains(e.Message, "mirror completed") {
			t.Fatalf("4065: %s", e.Message)
		}
	}
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool { return st.TargetDataState == "Restore Required" })
	writeFile(t, filepath.Join(p.TgtDir, "d/b.txt"), strings.Repeat("changed on the target ", 300))
	writeFile(t, filepath.Join(p.TgtDir, "made-after-failover.txt"), "new on the target")
	if err := os.Chmod(filepath.Join(p.TgtDir, "a.txt"), 0o600); err != nil {
		t.Fatal(err)
	}
	then := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(filepath.Join(p.TgtDir, "d/e/c.txt"), then, then); err != nil {
		t.Fatal(err)
	}
}

// While the target's copy is Restore Required the source's changes do not
// reach it; a restore copies the target's data back, clears the state, and
// a difference mirror then sends what only the source has.
func TestRestoreFromTheTarget(t *testing.T) {
	p := startJob(t, nil, nil)
	failover(t, p)
	ctx := context.Background()

	writeFile(t, filepath.Join(p.SrcDir, "a.txt"), "a source change the target must not take")
	writeFile(t, filepath.Join(p.SrcDir, "source-only.txt"), "only on the source")
	waitFor(t, "discarded ops counted", func() bool { return targetCounter(p, "OpsDropped") > 0 })
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool {
		return st.Counters["conOpsInCmdQueue"] == 0 && st.Counters["conOpsInAckQueue"] == 0
	})
	if got := readFile(t, filepath.Join(p.TgtDir, "a.txt")); got != "alpha" {
		t.Fatalf("a Restore Required target took a source change: %q", got)
	}
	if exists(filepath.Join(p.TgtDir, "source-only.txt")) {
		t.Fatal("a Restore Required target took a new source file")
	}

	w := watchEvents(t, p.Src, evRestoreStart, evRestoreDone)
	if err := p.Src.StartActivity(ctx, "j", mgmt.ActivityRestore, mgmt.ActivityOptions{}); err != nil {
		t.Fatal(err)
	}
	w.next(evRestoreStart)
	w.next(evRestoreDone)
	for _, f := range []string{"a.txt", "d/b.txt", "made-after-failover.txt"} {
		if got, want := readFile(t, filepath.Join(p.SrcDir, f)), readFile(t, filepath.Join(p.TgtDir, f)); got != want {
			t.Fatalf("%s not restored: %q", f, got)
		}
	}
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool { return st.TargetDataState == "OK" })
	if p.Tgt.Target().RestoreRequired() != nil && len(p.Tgt.Target().RestoreRequired()) != 0 {
		t.Fatalf("the target still requires a restore: %v", p.Tgt.Target().RestoreRequired())
	}
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	if !exists(filepath.Join(p.TgtDir, "source-only.txt")) {
		t.Fatal("what only the source had was not mirrored after the restore")
	}
	fi, err := os.Stat(filepath.Join(p.SrcDir, "a.txt"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("restored permissions %v %v", fi.Mode(), err)
	}
}

// Remirroring on a Restore Required connection discards the target's
// changes instead.
func TestRemirrorOverRestoreRequired(t *testing.T) {
	p := startJob(t, nil, nil)
	failover(t, p)
	if err := p.Src.StartMirror(context.Background(), "j", mgmt.MirrorFull); err != nil {
		t.Fatal(err)
	}
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool { return st.TargetDataState == "OK" })
	waitSame(t, p.SrcDir, p.TgtDir, func(rel string) bool { return rel == "made-after-failover.txt" })
	if got := readFile(t, filepath.Join(p.TgtDir, "a.txt")); got != "alpha" {
		t.Fatalf("target a.txt %q", got)
	}
}

// Restore Required survives the target's restart.
func TestRestoreRequiredPersists(t *testing.T) {
	p := startJob(t, nil, nil)
	failover(t, p)
	st := p.Tgt.Target().RestoreRequired()
	if len(st) != 1 || st[0] != "j" {
		t.Fatalf("RestoreRequired %v", st)
	}
	b := readFile(t, filepath.Join(p.TgtSettings.String(catalog.SettingDataPath), "target", "restore-required.json"))
	if b != `["j"]` {
		t.Fatalf("persisted state %q", b)
	}
}

// Undoing a failover on the target hands the copy back to the source as
// it was left: the source notices that it did not ask for it, removes what
// only the target has and mirrors the differences, so the copy is the
// source's again without the user starting anything.
func TestUndoFailoverRemirrorsTheCopy(t *testing.T) {
	p := startJob(t, nil, nil)
	// A file the live target changes without changing its size or times:
	// only its checksums tell the copies apart.
	writeFile(t, filepath.Join(p.SrcDir, "same-shape.txt"), "written by the source")
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	failover(t, p)
	shaped := filepath.Join(p.TgtDir, "same-shape.txt")
	fi, err := os.Stat(shaped)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, shaped, "WRITTEN BY THE TARGET")
	if err := os.Chtimes(shaped, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(p.SrcDir, "a.txt"), "a source change made while the target was live")
	writeFile(t, filepath.Join(p.SrcDir, "source-only.txt"), "only on the source")
	if err := os.Remove(filepath.Join(p.SrcDir, "d/e/c.txt")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "discarded ops counted", func() bool { return targetCounter(p, "OpsDropped") >= 3 })

	if err := p.Tgt.Target().ClearRestore("j"); err != nil {
		t.Fatal(err)
	}
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool { return st.TargetDataState == "OK" })
	for _, gone := range []string{"made-after-failover.txt", "d/e/c.txt"} {
		if exists(filepath.Join(p.TgtDir, gone)) {
			t.Errorf("%s still on the target after the undo", gone)
		}
	}
}
