//go:build linux

package apply

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/dtrep/dtrep/engine/wire"
)

func atimeOf(t testing.TB, p string) int64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Atim.Sec*1e9 + st.Atim.Nsec
}

func owner(t testing.TB, p string) (uid, gid uint32) {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return st.Uid, st.Gid
}

// TestOwnership runs its assertions as root; otherwise it checks that the
// EPERM of an unprivileged chown is ignored rather than failing the op.
func TestOwnership(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	mustApply(t, a,
		create("f", 0), write("f", 0, "x"),
		wire.Op{Kind: wire.OpSymlink, Path: "l", LinkTarget: "f"},
		wire.Op{Kind: wire.OpAttr, Path: "f", UID: 1234, GID: 5678},
		wire.Op{Kind: wire.OpAttr, Path: "l", UID: 4321, GID: -1, Mtime: 1_500_000_000_000_000_001},
	)
	if os.Geteuid() != 0 {
		if a.Counters().OpsDropped.Load() != 0 {
			t.Fatal("unprivileged chown failed the op")
		}
		return
	}
	if u, g := owner(t, filepath.Join(root, "f")); u != 1234 || g != 5678 {
		t.Fatalf("f owned by %d:%d", u, g)
	}
	if u, g := owner(t, filepath.Join(root, "l")); u != 4321 || g != 0 {
		t.Fatalf("symlink owned by %d:%d, want 4321:0", u, g)
	}
	// The symlink's own time changed, not its target's.
	li, _ := os.Lstat(filepath.Join(root, "l"))
	fi, _ := os.Stat(filepath.Join(root, "f"))
	if fi.ModTime().UnixNano() == 1_500_000_000_000_000_001 {
		t.Fatal("symlink's time applied to its target")
	}
	if symlinkTimes && li.ModTime().UnixNano() != 1_500_000_000_000_000_001 {
		t.Fatalf("symlink mtime %d, target mtime %d", li.ModTime().UnixNano(), fi.ModTime().UnixNano())
	}
	// Ownership change keeps set-ID bits the mode asks for (chown first).
	mustApply(t, a, wire.Op{Kind: wire.OpAttr, Path: "f", Mode: 0o4755, UID: 1, GID: 1})
	if fi, _ := os.Stat(filepath.Join(root, "f")); fi.Mode()&os.ModeSetuid == 0 {
		t.Fatal("set-user-ID bit lost")
	}
}
