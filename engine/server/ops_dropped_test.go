//go:build linux

package server_test

import (
	"os"
	"path/filepath"
	"testing"
)

// A rename the target cannot apply is discarded (4150) and leaves what the
// target had in the wrong place, or names only it has. The target tells
// the source its copy is Mirror Required, and the source removes the
// orphans, then runs a difference mirror, so the copies agree again; a
// mirror alone would leave the names only the target has.
//
// In the fault trials the target discards renames whose source name it
// lacks after a difference mirror raced replication. That race cannot be
// timed in a test, so the target's copy of the directory is moved aside
// by hand (to a name the source never has) before the source renames it.
func TestDroppedRenameIsRepaired(t *testing.T) {
	p := startJob(t, nil, nil)
	w := watchEvents(t, p.Tgt, 4150)
	if err := os.Rename(filepath.Join(p.TgtDir, "d"), filepath.Join(p.TgtDir, "stray")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(p.SrcDir, "d"), filepath.Join(p.SrcDir, "moved")); err != nil {
		t.Fatal(err)
	}
	w.next(4150)
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	if exists(filepath.Join(p.TgtDir, "stray")) {
		t.Fatal("the name only the target had is still there")
	}
}
