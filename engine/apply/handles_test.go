package apply

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

func openTemp(t *testing.T, dir, name string) *handle {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return &handle{key: name, f: f}
}

func TestHandlesIdleAndRekey(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "d"), 0o755)
	var open atomic.Int64
	c := newHandles(10, &open)
	t0 := time.Unix(1000, 0)
	for i, name := range []string{"d/a", "d/b", "c"} {
		h := openTemp(t, dir, name)
		h.used = t0.Add(time.Duration(i) * time.Second)
		h.dirty = i == 0
		if err := c.add(h); err != nil {
			t.Fatal(err)
		}
	}
	if open.Load() != 3 {
		t.Fatalf("open %d", open.Load())
	}
	c.rekey("d", "e")
	// Uses in time order, as the applier makes them.
	if c.get("d/a", t0) != nil || c.get("e/b", t0.Add(3*time.Second)) == nil ||
		c.get("c", t0.Add(4*time.Second)) == nil || c.get("e/a", t0.Add(10*time.Second)) == nil {
		t.Fatal("rekey did not move exactly the handles under d")
	}
	// e/b and c were last used before t0+5s, e/a after.
	if err := c.closeIdle(t0.Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if open.Load() != 1 || c.get("e/a", t0) == nil {
		t.Fatalf("closeIdle left %d handles", open.Load())
	}
	if err := c.closeAll(); err != nil || open.Load() != 0 {
		t.Fatalf("closeAll: %v, %d open", err, open.Load())
	}
}

func TestCloseDelay(t *testing.T) {
	for _, c := range []struct {
		delay time.Duration
		open  int64
	}{{0, 0}, {time.Hour, 2}} {
		opts := testOptions()
		opts.CloseDelay = c.delay
		a, _, _ := newApplier(t, opts)
		mustApply(t, a, create("f", 0), write("f", 0, "x"), create("g", 0), write("f", 1, "y"))
		if n := a.Counters().OpenHandles.Load(); n != 2 {
			t.Fatalf("delay %v: %d handles open before Sync, want 2 (writes reuse them)", c.delay, n)
		}
		if err := a.Sync(); err != nil {
			t.Fatal(err)
		}
		if n := a.Counters().OpenHandles.Load(); n != c.open {
			t.Fatalf("delay %v: %d handles open after Sync, want %d", c.delay, n, c.open)
		}
	}
}
