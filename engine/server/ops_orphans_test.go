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

// Orphan removal events.
const (
	evOrphansStart = 4048
	evOrphansDone  = 4052
	evOrphansDir   = 4069
)

func removeOrphans(t *testing.T, p *servertest.Pair) {
	t.Helper()
	w := watchEvents(t, p.Src, evOrphansStart, evOrphansDone)
	if err := p.Src.StartActivity(context.Background(), "j", mgmt.ActivityOrphans, mgmt.ActivityOptions{}); err != nil {
		t.Fatal(err)
	}
	w.next(evOrphansStart)
	w.next(evOrphansDone)
}

// plantOrphans puts on the target what the source never had: a file, a
// directory tree, and a file the job's rules exclude.
func plantOrphans(t *testing.T, p *servertest.Pair) {
	t.Helper()
	writeFile(t, filepath.Join(p.TgtDir, "stale.txt"), "0123456789")           // 10 bytes
	writeFile(t, filepath.Join(p.TgtDir, "d/old/x.txt"), "xxxxx")              // 5 bytes
	writeFile(t, filepath.Join(p.TgtDir, "d/old/deeper/y.txt"), "yyy")         // 3 bytes
	writeFile(t, filepath.Join(p.TgtDir, "d/keep.tmp"), "excluded by the job") // not the source's to judge
}

// Files and directories only the target has are removed and counted on
// the target; what the job's rules exclude is left alone.
func TestOrphansRemoved(t *testing.T) {
	p := startJob(t, nil, func(s *mgmt.JobSpec) { s.Exclude = []string{"**/*.tmp"} })
	plantOrphans(t, p)
	removeOrphans(t, p)

	waitFor(t, "Orphan Files Removed", func() bool { return targetCounter(p, "Orphan Files Removed") == 3 })
	if got := targetCounter(p, "Orphan Directories Removed"); got != 2 {
		t.Errorf("Orphan Directories Removed = %d, want 2", got)
	}
	if got := targetCounter(p, "Orphan Bytes Removed"); got != 18 {
		t.Errorf("Orphan Bytes Removed = %d, want 18", got)
	}
	if !exists(filepath.Join(p.TgtDir, "d/keep.tmp")) {
		t.Fatal("an excluded file was removed as an orphan")
	}
	waitSame(t, p.SrcDir, p.TgtDir, func(rel string) bool { return strings.HasSuffix(rel, ".tmp") })
}

// MoveOrphanedFiles keeps the orphans under MoveOrphansDir (the data path
// when it is empty, event 4069); LogAllOrphans logs each one.
func TestOrphansMoved(t *testing.T) {
	p := startJob(t, map[string]string{"MoveOrphanedFiles": "1"}, nil)
	w := watchEvents(t, p.Tgt, evOrphansDir)
	plantOrphans(t, p)
	removeOrphans(t, p)
	w.next(evOrphansDir)
	kept := filepath.Join(p.TgtSettings.String(catalog.SettingDataPath), "orphans", "j")
	waitFor(t, "orphans moved", func() bool { return exists(filepath.Join(kept, "d/old/deeper/y.txt")) })
	if got := readFile(t, filepath.Join(kept, "stale.txt")); got != "0123456789" {
		t.Fatalf("moved orphan holds %q", got)
	}
	waitFor(t, "orphans gone from the target path", func() bool { return !exists(filepath.Join(p.TgtDir, "stale.txt")) })
}

// RemoveAllOrphans 0 removes only orphans older than RemoveOrphansTime
// minutes.
func TestOrphansByAge(t *testing.T) {
	p := startJob(t, map[string]string{"RemoveAllOrphans": "0", "RemoveOrphansTime": "60"}, nil)
	writeFile(t, filepath.Join(p.TgtDir, "young.txt"), "new")
	old := filepath.Join(p.TgtDir, "old.txt")
	writeFile(t, old, "old")
	then := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, then, then); err != nil {
		t.Fatal(err)
	}
	removeOrphans(t, p)
	waitFor(t, "old orphan removed", func() bool { return !exists(old) })
	if !exists(filepath.Join(p.TgtDir, "young.txt")) {
		t.Fatal("an orphan younger than RemoveOrphansTime was removed")
	}
}

// A verification with orphans reports them; with Fix it removes them.
func TestVerifyReportsOrphans(t *testing.T) {
	p := startJob(t, map[string]string{"VerifyLogAppend": "0"}, nil)
	w := watchEvents(t, p.Src, evVerifyStart, evVerifyDone)
	writeFile(t, filepath.Join(p.TgtDir, "stale.txt"), "x")
	log := verify(t, p, w, mgmt.ActivityOptions{Orphans: true})
	if !strings.Contains(log, "File: stale.txt ORPHAN ON TARGET") || !strings.Contains(log, "1 orphans on target") {
		t.Fatalf("log:\n%s", log)
	}
	if !exists(filepath.Join(p.TgtDir, "stale.txt")) {
		t.Fatal("a verification without Fix removed an orphan")
	}
	verify(t, p, w, mgmt.ActivityOptions{Orphans: true, Fix: true})
	waitFor(t, "orphan removed", func() bool { return !exists(filepath.Join(p.TgtDir, "stale.txt")) })
}
