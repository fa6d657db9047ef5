//go:build linux && !dtrep_portable

package apply

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// pendingWork is what the next Sync has to flush.
func pendingWork(a *Applier) (files, dirs int, full bool) {
	return len(a.h.dirtyList()), a.root.dirtyDirs(), a.root.needsFull()
}

func TestSyncFlushesEachOnce(t *testing.T) {
	opts := testOptions()
	opts.SyncfsThreshold = -1 // always fsync one by one
	a, _, _ := newApplier(t, opts)
	mustApply(t, a,
		wire.Op{Kind: wire.OpMkdir, Path: "d"},
		create("d/f", 0), write("d/f", 0, "x"), write("d/f", 1, "y"),
		create("d/g", 0),
		create("h", 0),
	)
	files, dirs, full := pendingWork(a)
	// Three files; the root (mkdir d, create h) and d (f, g), each once.
	if files != 3 || dirs != 2 || full {
		t.Fatalf("before sync: %d files %d dirs full=%v", files, dirs, full)
	}
	if err := a.Sync(); err != nil {
		t.Fatal(err)
	}
	if files, dirs, full := pendingWork(a); files != 0 || dirs != 0 || full {
		t.Fatalf("after sync: %d files %d dirs full=%v", files, dirs, full)
	}
	// Renamed directories stay tracked by identity, not by name.
	mustApply(t, a, create("d/k", 0), wire.Op{Kind: wire.OpRename, Path: "d", NewPath: "e"})
	if _, dirs, _ := pendingWork(a); dirs != 2 {
		t.Fatalf("after create+rename: %d dirty dirs, want d(e) and the root", dirs)
	}
	if err := a.Sync(); err != nil {
		t.Fatal(err)
	}
}

func TestSyncUsesSyncfs(t *testing.T) {
	opts := testOptions()
	opts.SyncfsThreshold = 2
	a, _, _ := newApplier(t, opts)
	mustApply(t, a, create("f", 0), write("f", 0, "x"))
	if err := a.Sync(); err != nil { // 1 file + 1 dir: at the threshold
		t.Fatal(err)
	}
	if files, dirs, full := pendingWork(a); files != 0 || dirs != 0 || full {
		t.Fatalf("after syncfs: %d files %d dirs full=%v", files, dirs, full)
	}

	// An attribute change on a file not held open can only be flushed by
	// syncfs, whatever the count.
	b, _, _ := newApplier(t, func() Options { o := testOptions(); o.SyncfsThreshold = -1; return o }())
	mustApply(t, b, wire.Op{Kind: wire.OpMkdir, Path: "d"}, wire.Op{Kind: wire.OpAttr, Path: "d", Mode: 0o700, UID: -1, GID: -1})
	if _, _, full := pendingWork(b); !full {
		t.Fatal("unpinned attribute change not noted")
	}
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	if _, _, full := pendingWork(b); full {
		t.Fatal("syncfs not done")
	}
	// With the file's handle open, the handle carries it instead.
	mustApply(t, b, create("f", 0))
	if err := b.Sync(); err != nil {
		t.Fatal(err)
	}
	mustApply(t, b, wire.Op{Kind: wire.OpAttr, Path: "f", Mode: 0o600, UID: -1, GID: -1})
	if files, _, full := pendingWork(b); files != 1 || full {
		t.Fatalf("attr on an open file: %d dirty files, full=%v", files, full)
	}
}

// cached returns key's handle without touching the LRU order.
func cached(a *Applier, key string) *handle {
	if el, ok := a.h.byKey[key]; ok {
		return el.Value.(*handle)
	}
	return nil
}

func TestEvictionFsyncsDirtyHandles(t *testing.T) {
	opts := testOptions()
	opts.MaxOpenFiles = 2
	a, _, _ := newApplier(t, opts)
	for _, p := range []string{"a", "b", "c"} {
		mustApply(t, a, create(p, 0), write(p, 0, p))
	}
	if n := a.Counters().OpenHandles.Load(); n != 2 {
		t.Fatalf("%d open handles, want the bound 2", n)
	}
	files, _, _ := pendingWork(a)
	if files != 2 || cached(a, "a") != nil {
		t.Fatalf("least recently used handle not evicted (%d dirty)", files)
	}
	// Rewriting the evicted file reopens it.
	mustApply(t, a, write("a", 1, "A"))
	if got := readFile(t, filepath.Join(a.Root(), "a")); got != "aA" {
		t.Fatalf("content %q", got)
	}
}

func TestDeleteSkipsFsyncOfUnlinkedFiles(t *testing.T) {
	a, _, _ := newApplier(t, testOptions())
	mustApply(t, a, create("tmp", 0), write("tmp", 0, "scratch"), create("keep", 0), write("keep", 0, "k"),
		wire.Op{Kind: wire.OpHardlink, Path: "keep", NewPath: "alias"})
	k := cached(a, "keep")
	// stillLinked tells the two cases apart on an open descriptor.
	probe, err := a.root.openWrite("alias")
	if err != nil {
		t.Fatal(err)
	}
	defer probe.f.Close()
	if !stillLinked(probe) {
		t.Fatal("linked file reported unlinked")
	}
	mustApply(t, a, wire.Op{Kind: wire.OpDelete, Path: "alias"})
	if !stillLinked(probe) {
		t.Fatal("file with a second name reported unlinked")
	}
	mustApply(t, a, wire.Op{Kind: wire.OpDelete, Path: "tmp"}, wire.Op{Kind: wire.OpRename, Path: "keep", NewPath: "moved"})
	if cached(a, "tmp") != nil {
		t.Fatal("handle of a deleted file kept")
	}
	if got := cached(a, "moved"); got != k {
		t.Fatal("handle did not follow the rename")
	}
	mustApply(t, a, wire.Op{Kind: wire.OpDelete, Path: "moved"})
	if stillLinked(probe) {
		t.Fatal("file without names reported linked")
	}
}

func TestWalkFallbackRefusesEscapes(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	a.root.noOpenat2 = true // as on kernels before 5.6
	escapeFixture(t, root)
	for _, p := range []string{"rel/new", "abs/new", "up/outside/new", "chain/new"} {
		err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpCreate, Path: p})
		if !errors.Is(err, ErrUnsafePath) {
			t.Fatalf("create %s without openat2: %v", p, err)
		}
		wantCode(t, err, catalog.CodeInvalidParameter)
	}
	mustApply(t, a, wire.Op{Kind: wire.OpMkdir, Path: "a/b"}, create("a/b/f", 0), write("a/b/f", 0, "ok"))
	if got := readFile(t, filepath.Join(root, "a/b/f")); got != "ok" {
		t.Fatalf("walk mode write: %q", got)
	}
}

func TestFileAllocReservesSpace(t *testing.T) {
	dir := smallTmpfs(t)
	rec := &recorder{}
	opts := testOptions()
	opts.OnEvent = rec.on
	a, err := New(filepath.Join(dir, "root"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	// A mirror create announcing 4 MiB cannot be reserved on 1 MiB: the
	// failure shows at the first write (TGFileAlloc: "allocates an entire
	// file on the first write of a mirror operation") as disk full,
	// before the 4 KiB the write carries would have fit.
	mustApply(t, a, wire.Op{Kind: wire.OpCreate, Path: "big", Mirror: true, Size: 4 << 20})
	err = a.Apply(context.Background(), &wire.Op{Kind: wire.OpWrite, Path: "big", Mirror: true, Data: make([]byte, 4096)})
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("reserving 4 MiB on 1 MiB: %v", err)
	}
	if ids := rec.ids(); len(ids) != 2 || ids[0] != EventDiskFull {
		t.Fatalf("events %v", ids)
	}
	// Replication creates (not mirror) and FileAlloc off reserve nothing.
	mustApply(t, a, wire.Op{Kind: wire.OpCreate, Path: "small", Size: 4 << 20}, write("small", 0, "x"))
}
