//go:build linux

package apply

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// makeReadOnly makes writing to p fail with a permission error: as root,
// whom modes do not stop, by setting the immutable flag; otherwise by
// removing write permission. It returns a function undoing it.
func makeReadOnly(t testing.TB, p string) (undo func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, fi.Mode().Perm()&^0o222); err != nil {
			t.Fatal(err)
		}
		undo = func() { os.Chmod(p, fi.Mode().Perm()) }
	} else {
		if err := setImmutable(p, true); err != nil {
			t.Fatalf("immutable flag on %s: %v", p, err)
		}
		undo = func() { setImmutable(p, false) }
	}
	t.Cleanup(undo) // a temp dir holding immutable files cannot be removed
	return undo
}

// fsImmutableFL is FS_IMMUTABLE_FL from linux/fs.h, which x/sys/unix
// does not export.
const fsImmutableFL = 0x10

func setImmutable(p string, on bool) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	flags, err := unix.IoctlGetUint32(int(f.Fd()), unix.FS_IOC_GETFLAGS)
	if err != nil {
		return err
	}
	if on {
		flags |= fsImmutableFL
	} else {
		flags &^= fsImmutableFL
	}
	return unix.IoctlSetPointerInt(int(f.Fd()), unix.FS_IOC_SETFLAGS, int(flags))
}

// smallTmpfs mounts a 1 MiB tmpfs and returns its path. Mounting needs
// root; where it is impossible the test is skipped locally but fails under
// CI=true, so CI can never silently lose the disk-full coverage.
func smallTmpfs(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "small")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount tmpfs: %v", err)
		}
		t.Skipf("mount tmpfs (needs root): %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, 0); err != nil {
			unix.Unmount(dir, unix.MNT_DETACH)
		}
	})
	return dir
}

// fill writes to dir/filler until the file system is full.
func fill(t testing.TB, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "filler")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			return p
		}
	}
}
