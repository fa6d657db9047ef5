//go:build linux

package server_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server/servertest"
)

// Blocking events.
const (
	evBlockUnavailable = 4301
	evBlocked          = 4302
	evUnblocked        = 4304
	evAlreadyBlocked   = 4306
	evAlreadyUnblocked = 4307
)

// TGMoveFilesOnDelete keeps files deleted on the source under
// TGMoveFilesPath, with their paths or all in one directory, until
// TGDaysToKeepMovedFiles expires them.
func TestMoveFilesOnDelete(t *testing.T) {
	for _, single := range []bool{false, true} {
		name := "tree"
		if single {
			name = "single"
		}
		t.Run(name, func(t *testing.T) {
			moved := t.TempDir()
			tgt := map[string]string{"TGMoveFilesOnDelete": "1", "TGMoveFilesPath": moved, "TGDaysToKeepMovedFiles": "2"}
			if single {
				tgt["TGMoveFilesSingleDirectory"] = "1"
			}
			p := servertestPair(t, nil, tgt)
			writeFile(t, filepath.Join(p.SrcDir, "d/e/gone.txt"), "deleted on the source")
			p.WaitIdle(t, "j", wait)
			waitFor(t, "replicated", func() bool { return exists(filepath.Join(p.TgtDir, "d/e/gone.txt")) })
			if err := os.RemoveAll(filepath.Join(p.SrcDir, "d")); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "deleted on the target", func() bool { return !exists(filepath.Join(p.TgtDir, "d")) })
			kept := filepath.Join(moved, "d/e/gone.txt")
			if single {
				kept = filepath.Join(moved, "gone.txt")
			}
			if got := readFile(t, kept); got != "deleted on the source" {
				t.Fatalf("kept copy holds %q", got)
			}
			if n := p.Tgt.Target().PurgeMovedFiles(time.Now().Add(24 * time.Hour)); n != 0 || !exists(kept) {
				t.Fatalf("a moved file expired a day early (%d)", n)
			}
			if n := p.Tgt.Target().PurgeMovedFiles(time.Now().Add(49 * time.Hour)); n != 1 || exists(kept) {
				t.Fatalf("a moved file outlived TGDaysToKeepMovedFiles (%d)", n)
			}
		})
	}
}

// TGBlockOnConnect blocks the target path while the source is connected:
// nothing but replication can change it. Without the privilege to mount,
// 4301 says blocking is unavailable.
func TestBlockOnConnect(t *testing.T) {
	p := servertestPair(t, nil, map[string]string{"TGBlockOnConnect": "1"})
	w := watchEvents(t, p.Tgt, evBlocked, evUnblocked, evBlockUnavailable)
	ctx := context.Background()
	// The job connected before the watch began: reconnect it.
	if err := p.Src.StopJob(ctx, "j"); err != nil {
		t.Fatal(err)
	}
	if err := p.Src.StartJob(ctx, "j"); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		w.next(evBlockUnavailable)
		return
	}
	if e := w.next(evBlocked); e.Args[0] != p.TgtDir {
		t.Fatalf("4302 inserts %q", e.Args)
	}
	p.WaitIdle(t, "j", wait)
	err := os.WriteFile(filepath.Join(p.TgtDir, "intruder.txt"), []byte("x"), 0o644)
	if !errors.Is(err, syscall.EROFS) {
		t.Fatalf("writing into a blocked target path: %v", err)
	}
	writeFile(t, filepath.Join(p.SrcDir, "sub/replicated.txt"), "replication still writes")
	waitFor(t, "replicated into the blocked path", func() bool {
		b, err := os.ReadFile(filepath.Join(p.TgtDir, "sub/replicated.txt"))
		return err == nil && string(b) == "replication still writes"
	})
	if err := p.Src.StopJob(ctx, "j"); err != nil {
		t.Fatal(err)
	}
	w.next(evUnblocked)
	waitFor(t, "writable again", func() bool {
		return os.WriteFile(filepath.Join(p.TgtDir, "after.txt"), []byte("x"), 0o644) == nil
	})
	st, _ := p.Src.JobStatus(ctx, "j")
	if st.TransmitMode != mgmt.TransmitStopped {
		t.Fatalf("transmit mode %q", st.TransmitMode)
	}
}

// A second connection to a blocked path finds it blocked (4306); a block
// removed behind the target's back is reported already unblocked (4307).
func TestBlockSharedAndRemoved(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{Target: map[string]string{"TGBlockOnConnect": "1"}})
	w := watchEvents(t, p.Tgt, evBlocked, evAlreadyBlocked, evAlreadyUnblocked, evUnblocked, evBlockUnavailable)
	ctx := context.Background()
	p.CreateJob(t, "one", nil)
	if os.Geteuid() != 0 {
		w.next(evBlockUnavailable) // mounting needs the privilege
		return
	}
	w.next(evBlocked)
	other := t.TempDir()
	p.CreateJob(t, "two", func(s *mgmt.JobSpec) { s.SourcePath = other })
	w.next(evAlreadyBlocked)
	if err := syscall.Unmount(p.TgtDir, syscall.MNT_DETACH); err != nil {
		t.Fatal(err)
	}
	for _, j := range []string{"one", "two"} {
		if err := p.Src.StopJob(ctx, j); err != nil {
			t.Fatal(err)
		}
	}
	w.next(evAlreadyUnblocked)
	if n := w.count(evUnblocked); n != 0 {
		t.Fatalf("an unmounted path reported unblocked %d times", n)
	}
}
