//go:build linux

package apply

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

func wantEvents(t testing.TB, rec *recorder, want ...event) {
	t.Helper()
	got := rec.all()
	if len(got) != len(want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for i := range want {
		if got[i].id != want[i].id || !slices.Equal(got[i].args, want[i].args) {
			t.Fatalf("event %d: %v, want %v", i, got[i], want[i])
		}
	}
}

func TestReadOnlyFileRetriedThenDropped(t *testing.T) {
	a, root, rec := newApplier(t, testOptions())
	mustApply(t, a, create("f", 0o644), write("f", 0, "before"))
	if err := a.Close(); err != nil { // drop the cached handle
		t.Fatal(err)
	}
	a, err := New(root, func() Options { o := testOptions(); o.OnEvent = rec.on; return o }())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	p := filepath.Join(root, "f")
	makeReadOnly(t, p)

	err = a.Apply(context.Background(), &wire.Op{Kind: wire.OpWrite, Path: "f", Data: []byte("after")})
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("write to a read-only file: %v", err)
	}
	wantCode(t, err, catalog.CodeInsufficientSecurity)
	wantEvents(t, rec, event{EventAccessDenied, []string{p, "2"}}, event{EventDropped, []string{p, "2"}})
	c := a.Counters().Snapshot()
	if c.Retries != 2 || c.OpsDropped != 1 || c.OpsApplied != 0 || !a.NeedsMirror() {
		t.Fatalf("counters %+v, needs mirror %v", c, a.NeedsMirror())
	}
	if got := readFile(t, p); got != "before" {
		t.Fatalf("read-only file now %q", got)
	}
}

func TestReadOnlyDirRetriedThenDropped(t *testing.T) {
	a, root, rec := newApplier(t, testOptions())
	mustApply(t, a, wire.Op{Kind: wire.OpMkdir, Path: "ro"})
	makeReadOnly(t, filepath.Join(root, "ro"))

	err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpCreate, Path: "ro/f"})
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("create in a read-only dir: %v", err)
	}
	p := filepath.Join(root, "ro", "f")
	wantEvents(t, rec, event{EventAccessDenied, []string{p, "2"}}, event{EventDropped, []string{p, "2"}})
	if _, err := os.Lstat(p); err == nil {
		t.Fatal("file created in a read-only directory")
	}
}

func TestRetrySucceeds(t *testing.T) {
	var undo func()
	rec := &recorder{}
	opts := testOptions()
	opts.RetryLimit = 0 // forever: only success ends it
	opts.OnEvent = func(id catalog.EventID, args ...string) {
		rec.on(id, args...)
		if id == EventAccessDenied {
			undo() // the administrator fixes the permissions
		}
	}
	a, root, _ := newApplier(t, opts)
	mustApply(t, a, wire.Op{Kind: wire.OpMkdir, Path: "ro"})
	undo = makeReadOnly(t, filepath.Join(root, "ro"))

	mustApply(t, a, create("ro/f", 0), write("ro/f", 0, "made it"))
	p := filepath.Join(root, "ro", "f")
	wantEvents(t, rec, event{EventAccessDenied, []string{p, "forever"}}, event{EventRetrySucceeded, []string{p, "1"}})
	if got := readFile(t, p); got != "made it" {
		t.Fatalf("content %q", got)
	}
	if c := a.Counters().Snapshot(); c.Retries != 1 || c.OpsDropped != 0 || a.NeedsMirror() {
		t.Fatalf("counters %+v", c)
	}
}

func TestUnfinishedOpEventOff(t *testing.T) {
	opts := testOptions()
	opts.UnfinishedOpEvent = false
	a, root, rec := newApplier(t, opts)
	mustApply(t, a, wire.Op{Kind: wire.OpMkdir, Path: "ro"})
	makeReadOnly(t, filepath.Join(root, "ro"))
	if err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpCreate, Path: "ro/f"}); !errors.Is(err, ErrDropped) {
		t.Fatal(err)
	}
	if !slices.Equal(rec.ids(), []catalog.EventID{EventDropped}) {
		t.Fatalf("events %v: only the drop should be raised", rec.ids())
	}
}

func TestRetryInterruptedByContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	opts := testOptions()
	opts.RetryLimit = 0
	opts.RetryInterval = time.Hour
	opts.OnEvent = func(catalog.EventID, ...string) { cancel() }
	a, root, _ := newApplier(t, opts)
	mustApply(t, a, wire.Op{Kind: wire.OpMkdir, Path: "ro"})
	makeReadOnly(t, filepath.Join(root, "ro"))

	err := a.Apply(ctx, &wire.Op{Kind: wire.OpCreate, Path: "ro/f"})
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrDropped) {
		t.Fatalf("interrupted retry: %v", err)
	}
	if a.Counters().OpsDropped.Load() != 0 || a.NeedsMirror() || a.Retrying() {
		t.Fatal("an interrupted op counted as dropped")
	}
}

func TestRetryingState(t *testing.T) {
	opts := testOptions()
	opts.RetryLimit = 0
	opts.RetryInterval = time.Millisecond
	opts.NotifyAfter = 3
	a, root, _ := newApplier(t, opts)
	mustApply(t, a, wire.Op{Kind: wire.OpMkdir, Path: "ro"})
	undo := makeReadOnly(t, filepath.Join(root, "ro"))

	seen := make(chan int64)
	go func() {
		for !a.Retrying() {
			time.Sleep(time.Millisecond)
		}
		n := a.Counters().Retries.Load()
		undo()
		seen <- n
	}()
	mustApply(t, a, create("ro/f", 0))
	if n := <-seen; n < 2 {
		t.Fatalf("Retrying reported after %d retries, want at least NotifyAfter-1", n)
	}
	if a.Retrying() {
		t.Fatal("still retrying after success")
	}
}

func TestDiskFull(t *testing.T) {
	dir := smallTmpfs(t)
	rec := &recorder{}
	opts := testOptions()
	opts.OnEvent = rec.on
	a, err := New(filepath.Join(dir, "root"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() }) // before the unmount

	mustApply(t, a, create("big", 0))
	err = a.Apply(context.Background(), &wire.Op{Kind: wire.OpWrite, Path: "big", Data: make([]byte, 2<<20)})
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("2 MiB into 1 MiB: %v", err)
	}
	wantCode(t, err, catalog.CodeTargetDiskFull)
	p := filepath.Join(dir, "root", "big")
	wantEvents(t, rec, event{EventDiskFull, []string{p, "2"}}, event{EventDropped, []string{p, "2"}})
	if c := a.Counters().Snapshot(); c.Retries != 2 || c.OpsDropped != 1 || c.BytesWritten != 0 {
		t.Fatalf("counters %+v", c)
	}
}

func TestDiskFullCleared(t *testing.T) {
	dir := smallTmpfs(t)
	filler := fill(t, dir)
	rec := &recorder{}
	opts := testOptions()
	opts.OnEvent = func(id catalog.EventID, args ...string) {
		rec.on(id, args...)
		if id == EventDiskFull {
			os.Remove(filler)
		}
	}
	a, err := New(filepath.Join(dir, "root"), opts)
	if err != nil {
		// The root directory itself may not fit on a full disk.
		os.Remove(filler)
		t.Fatalf("new: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	mustApply(t, a, create("f", 0), wire.Op{Kind: wire.OpWrite, Path: "f", Data: make([]byte, 64<<10)})
	p := filepath.Join(dir, "root", "f")
	ids := rec.ids()
	if len(ids) != 2 || ids[1] != EventRetrySucceeded || (ids[0] != EventDiskFull) {
		t.Fatalf("events %v, want [4110 4120]", rec.all())
	}
	if got := rec.all()[1].args; !slices.Equal(got, []string{p, "1"}) {
		t.Fatalf("4120 args %v", got)
	}
	if err := a.Sync(); err != nil {
		t.Fatal(err)
	}
}
