package apply

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

func TestCreateWriteTruncate(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	mustApply(t, a,
		wire.Op{Kind: wire.OpMkdir, Path: "d", Mode: 0o750},
		create("d/f", 0o640),
		write("d/f", 0, "hello world"),
		write("d/f", 6, "WORLD!"),
		wire.Op{Kind: wire.OpTruncate, Path: "d/f", Size: 11},
	)
	p := filepath.Join(root, "d", "f")
	if got := readFile(t, p); got != "hello WORLD" {
		t.Fatalf("content %q", got)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o640 {
		t.Fatalf("mode %v, want 0640 despite the umask", fi.Mode().Perm())
	}
	if fi, _ := os.Stat(filepath.Join(root, "d")); !fi.IsDir() || fi.Mode().Perm() != 0o750 {
		t.Fatalf("dir mode %v", fi.Mode())
	}
	// Create again truncates; a sparse write past the end extends.
	mustApply(t, a, create("d/f", 0o600), write("d/f", 4, "x"))
	if got := readFile(t, p); got != "\x00\x00\x00\x00x" {
		t.Fatalf("after re-create %q", got)
	}
	c := a.Counters().Snapshot()
	if c.OpsApplied != 7 || c.BytesWritten != 11+6+1 || c.OpsDropped != 0 {
		t.Fatalf("counters %+v", c)
	}
	if c.OpenHandles != 1 {
		t.Fatalf("open handles %d, want the one cached file", c.OpenHandles)
	}
}

func TestMirrorCountersAndMarks(t *testing.T) {
	a, _, _ := newApplier(t, testOptions())
	mustApply(t, a,
		wire.Op{Kind: wire.OpMark, Path: "mirror-start", Mirror: true},
		wire.Op{Kind: wire.OpCreate, Path: "f", Mirror: true, Size: 1 << 20},
		wire.Op{Kind: wire.OpWrite, Path: "f", Mirror: true, Data: []byte("x")},
		wire.Op{Kind: wire.OpMark, Path: "mirror-end", Mirror: true},
		write("f", 1, "y"),
	)
	c := a.Counters().Snapshot()
	if c.OpsApplied != 5 || c.MirrorOpsApplied != 4 {
		t.Fatalf("counters %+v", c)
	}
}

func TestTasks(t *testing.T) {
	a, _, _ := newApplier(t, testOptions())
	mustApply(t, a, wire.Op{Kind: wire.OpTask, Data: []byte("cmd")})
	var ran []string
	b, _, _ := newApplier(t, func() Options {
		o := testOptions()
		o.RunTask = func(_ context.Context, cmd []byte) error {
			ran = append(ran, string(cmd))
			switch string(cmd) {
			case "fail":
				return errors.New("exit 1")
			case "disabled":
				return fmt.Errorf("task %q: %w", cmd, ErrTaskIgnored)
			}
			return nil
		}
		return o
	}())
	mustApply(t, b, wire.Op{Kind: wire.OpTask, Data: []byte("ok")}, wire.Op{Kind: wire.OpTask, Data: []byte("fail")},
		wire.Op{Kind: wire.OpTask, Data: []byte("disabled")})
	if a.Counters().TasksIgnored.Load() != 1 {
		t.Fatal("task without a runner not counted as ignored")
	}
	c := b.Counters().Snapshot()
	if !slices.Equal(ran, []string{"ok", "fail", "disabled"}) || c.TasksSucceeded != 1 || c.TasksFailed != 1 ||
		c.TasksIgnored != 1 {
		t.Fatalf("ran %v counters %+v", ran, c)
	}
}

func TestRenameFilesAndTrees(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	mustApply(t, a,
		wire.Op{Kind: wire.OpMkdir, Path: "src/sub/deep"},
		create("src/sub/deep/f", 0), write("src/sub/deep/f", 0, "f"),
		create("src/g", 0), write("src/g", 0, "g"),
		wire.Op{Kind: wire.OpMkdir, Path: "dst/old"}, // non-empty destination
		create("dst/old/x", 0),
		create("file", 0), write("file", 0, "1"),
		create("other", 0), write("other", 0, "2"),
	)
	mustApply(t, a,
		wire.Op{Kind: wire.OpRename, Path: "src", NewPath: "dst"},
		wire.Op{Kind: wire.OpRename, Path: "file", NewPath: "other"},
	)
	if got := readFile(t, filepath.Join(root, "dst/sub/deep/f")); got != "f" {
		t.Fatalf("moved tree content %q", got)
	}
	if _, err := os.Stat(filepath.Join(root, "dst/old")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("replaced destination's contents survived")
	}
	if _, err := os.Stat(filepath.Join(root, "src")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("source tree still there")
	}
	if got := readFile(t, filepath.Join(root, "other")); got != "1" {
		t.Fatalf("file replaced by rename holds %q", got)
	}

	// Writes go to the file under its new name: the cached handle moved
	// with it, and the old name no longer resolves.
	mustApply(t, a, write("dst/g", 1, "G"))
	if got := readFile(t, filepath.Join(root, "dst/g")); got != "gG" {
		t.Fatalf("write after rename %q", got)
	}
	err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpWrite, Path: "src/g", Data: []byte("lost")})
	if !errors.Is(err, ErrDropped) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("write to the old name: %v", err)
	}

	// A file over a directory and a directory over a file both replace.
	mustApply(t, a,
		wire.Op{Kind: wire.OpRename, Path: "other", NewPath: "dst/sub"},
		wire.Op{Kind: wire.OpMkdir, Path: "m/n"},
		wire.Op{Kind: wire.OpRename, Path: "m", NewPath: "dst/g"},
		wire.Op{Kind: wire.OpRename, Path: "dst/g", NewPath: "dst/g"}, // no-op
	)
	if fi, err := os.Stat(filepath.Join(root, "dst/sub")); err != nil || !fi.Mode().IsRegular() {
		t.Fatalf("file over dir: %v %v", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(root, "dst/g/n")); err != nil || !fi.IsDir() {
		t.Fatalf("dir over file: %v", err)
	}

	// Moving a tree into itself or over its ancestor is refused, untouched.
	for _, op := range []wire.Op{
		{Kind: wire.OpRename, Path: "dst", NewPath: "dst/g/n/x"},
		{Kind: wire.OpRename, Path: "dst/g", NewPath: "dst"},
	} {
		err := a.Apply(context.Background(), &op)
		if !errors.Is(err, errInvalidOp) {
			t.Fatalf("rename %s -> %s: %v", op.Path, op.NewPath, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "dst/g/n")); err != nil {
		t.Fatal("refused rename changed the tree")
	}
}

func TestDeleteAndRmdir(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	outside := filepath.Join(filepath.Dir(root), "outside")
	os.Mkdir(outside, 0o755)
	os.WriteFile(filepath.Join(outside, "keep"), []byte("keep"), 0o644)
	mustApply(t, a,
		wire.Op{Kind: wire.OpMkdir, Path: "t/a/b"},
		create("t/a/b/f", 0), write("t/a/b/f", 0, "x"),
		create("t/g", 0),
		wire.Op{Kind: wire.OpSymlink, Path: "t/a/out", LinkTarget: outside},
		create("f", 0),
		wire.Op{Kind: wire.OpSymlink, Path: "link", LinkTarget: "f"},
	)
	mustApply(t, a,
		wire.Op{Kind: wire.OpDelete, Path: "link"},
		wire.Op{Kind: wire.OpDelete, Path: "missing"},
		wire.Op{Kind: wire.OpDelete, Path: "nodir/missing"},
		wire.Op{Kind: wire.OpRmdir, Path: "t"},
		wire.Op{Kind: wire.OpRmdir, Path: "t"},
	)
	if _, err := os.Lstat(filepath.Join(root, "link")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("symlink not deleted")
	}
	if _, err := os.Stat(filepath.Join(root, "f")); err != nil {
		t.Fatal("deleting a symlink removed its target")
	}
	if _, err := os.Lstat(filepath.Join(root, "t")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("tree not removed")
	}
	if got := readFile(t, filepath.Join(outside, "keep")); got != "keep" {
		t.Fatal("recursive removal followed a symlink out of the root")
	}
	c := a.Counters().Snapshot()
	if c.MissingDeletes != 3 || c.OpsDropped != 0 || c.OpenHandles != 1 {
		t.Fatalf("counters %+v", c)
	}
	// Deleting a directory with the file op is a type conflict: dropped
	// at once, not retried.
	mustApply(t, a, wire.Op{Kind: wire.OpMkdir, Path: "d"})
	err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpDelete, Path: "d"})
	if !errors.Is(err, ErrDropped) || a.Counters().Retries.Load() != 0 {
		t.Fatalf("delete of a directory: %v, %d retries", err, a.Counters().Retries.Load())
	}
}

func TestMkdir(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	mustApply(t, a,
		wire.Op{Kind: wire.OpMkdir, Path: "a/b/c", Mode: 0o700},
		wire.Op{Kind: wire.OpMkdir, Path: "a/b/c", Mode: 0o711}, // exists: mode applied
		wire.Op{Kind: wire.OpMkdir, Path: "a/b"},                // exists, no mode: untouched
	)
	fi, err := os.Stat(filepath.Join(root, "a/b/c"))
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o711 {
		t.Fatalf("a/b/c: %v %v", fi, err)
	}
	mustApply(t, a, create("a/file", 0))
	err = a.Apply(context.Background(), &wire.Op{Kind: wire.OpMkdir, Path: "a/file"})
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("mkdir over a file: %v", err)
	}
	err = a.Apply(context.Background(), &wire.Op{Kind: wire.OpMkdir, Path: "a/file/sub"})
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("mkdir under a file: %v", err)
	}
}

func TestSymlink(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	mustApply(t, a,
		create("f", 0), write("f", 0, "data"),
		wire.Op{Kind: wire.OpSymlink, Path: "l", LinkTarget: "f"},
		wire.Op{Kind: wire.OpSymlink, Path: "l", LinkTarget: "g"}, // replace a symlink
		wire.Op{Kind: wire.OpMkdir, Path: "d/e"},
		wire.Op{Kind: wire.OpSymlink, Path: "d", LinkTarget: "/elsewhere"}, // replace a tree
		wire.Op{Kind: wire.OpSymlink, Path: "f", LinkTarget: "../.."},      // replace a file
	)
	for p, want := range map[string]string{"l": "g", "d": "/elsewhere", "f": "../.."} {
		if got, err := os.Readlink(filepath.Join(root, p)); err != nil || got != want {
			t.Fatalf("%s -> %q (%v), want %q", p, got, err, want)
		}
	}
	if a.Counters().OpenHandles.Load() != 0 {
		t.Fatal("handle of the replaced file kept open")
	}
	err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpSymlink, Path: "x", LinkTarget: ""})
	if !errors.Is(err, errInvalidOp) {
		t.Fatalf("empty link target: %v", err)
	}
}

func TestHardlink(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	mustApply(t, a,
		create("f", 0), write("f", 0, "shared"),
		create("g", 0), write("g", 0, "old"),
		wire.Op{Kind: wire.OpMkdir, Path: "d"},
		wire.Op{Kind: wire.OpHardlink, Path: "f", NewPath: "d/h"},
		wire.Op{Kind: wire.OpHardlink, Path: "f", NewPath: "g"},   // replaces g
		wire.Op{Kind: wire.OpHardlink, Path: "f", NewPath: "d/h"}, // already linked
	)
	fi, _ := os.Stat(filepath.Join(root, "f"))
	for _, p := range []string{"d/h", "g"} {
		other, err := os.Stat(filepath.Join(root, p))
		if err != nil || !os.SameFile(fi, other) {
			t.Fatalf("%s does not share f's inode", p)
		}
	}
	mustApply(t, a, write("d/h", 0, "SHARED"))
	if got := readFile(t, filepath.Join(root, "f")); got != "SHARED" {
		t.Fatalf("write through a link: %q", got)
	}
	err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpHardlink, Path: "d", NewPath: "dl"})
	if !errors.Is(err, ErrDropped) || a.Counters().Retries.Load() != 0 {
		t.Fatalf("hard link to a directory: %v", err)
	}
}

func TestAttributes(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	const mtime = 1_700_000_000_123_456_789
	const atime = 1_600_000_000_987_654_321
	mustApply(t, a,
		create("f", 0o644), write("f", 0, "x"),
		wire.Op{Kind: wire.OpAttr, Path: "f", Mode: 0o600, UID: -1, GID: -1, Atime: atime, Mtime: mtime},
		wire.Op{Kind: wire.OpMkdir, Path: "d"},
		wire.Op{Kind: wire.OpAttr, Path: "d", Mode: 0o701, UID: -1, GID: -1, Mtime: mtime},
	)
	fi, _ := os.Stat(filepath.Join(root, "f"))
	if fi.Mode().Perm() != 0o600 || fi.ModTime().UnixNano() != mtime {
		t.Fatalf("file: mode %v mtime %d", fi.Mode().Perm(), fi.ModTime().UnixNano())
	}
	if got := atimeOf(t, filepath.Join(root, "f")); got != atime && got != -1 {
		t.Fatalf("atime %d, want %d", got, atime)
	}
	fi, _ = os.Stat(filepath.Join(root, "d"))
	if fi.Mode().Perm() != 0o701 || fi.ModTime().UnixNano() != mtime {
		t.Fatalf("dir: mode %v mtime %d", fi.Mode().Perm(), fi.ModTime().UnixNano())
	}
	// Mode 0 and zero times leave things as they are.
	mustApply(t, a, wire.Op{Kind: wire.OpAttr, Path: "f", UID: -1, GID: -1})
	fi, _ = os.Stat(filepath.Join(root, "f"))
	if fi.Mode().Perm() != 0o600 || fi.ModTime().UnixNano() != mtime {
		t.Fatalf("empty attr op changed the file: %v %d", fi.Mode().Perm(), fi.ModTime().UnixNano())
	}

	b, broot, _ := newApplier(t, func() Options { o := testOptions(); o.DisableAttributes = true; return o }())
	mustApply(t, b, create("f", 0o644), wire.Op{Kind: wire.OpAttr, Path: "f", Mode: 0o600, UID: -1, GID: -1})
	if fi, _ := os.Stat(filepath.Join(broot, "f")); fi.Mode().Perm() != 0o644 {
		t.Fatal("attributes applied although disabled")
	}
}

func TestInvalidOpsRefused(t *testing.T) {
	a, _, rec := newApplier(t, testOptions())
	for _, op := range []wire.Op{
		{Kind: 200, Path: "f"},
		{Kind: wire.OpWrite, Path: "f", Offset: -1},
		{Kind: wire.OpTruncate, Path: "f", Size: -5},
		{Kind: wire.OpRename, Path: "f", NewPath: "../g"},
	} {
		err := a.Apply(context.Background(), &op)
		if !errors.Is(err, ErrDropped) {
			t.Fatalf("%s: %v", op.Kind, err)
		}
		wantCode(t, err, 101)
	}
	if n := a.Counters().OpsDropped.Load(); n != 4 || !a.NeedsMirror() {
		t.Fatalf("dropped %d, needs mirror %v", n, a.NeedsMirror())
	}
	if !slices.Equal(rec.ids(), []catalog.EventID{EventDropped, EventDropped, EventDropped, EventDropped}) {
		t.Fatalf("events %v", rec.ids())
	}
	a.ClearNeedsMirror()
	if a.NeedsMirror() {
		t.Fatal("flag not cleared")
	}
}

func TestClosed(t *testing.T) {
	a, _, _ := newApplier(t, testOptions())
	mustApply(t, a, create("f", 0), write("f", 0, "x"))
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpMark}); !errors.Is(err, errClosed) {
		t.Fatalf("apply after close: %v", err)
	}
	if err := a.Sync(); !errors.Is(err, errClosed) {
		t.Fatalf("sync after close: %v", err)
	}
	if a.Counters().OpenHandles.Load() != 0 {
		t.Fatal("handles left open")
	}
}
