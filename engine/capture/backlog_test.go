package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestOverflowRescansRoot lowers the kernel's per-instance event queue
// (read when the inotify instance is created) so a real overflow happens.
func TestOverflowRescansRoot(t *testing.T) {
	const knob = "/proc/sys/fs/inotify/max_queued_events"
	old, err := os.ReadFile(knob)
	if err != nil {
		t.Fatal(err)
	}
	restore := func() {
		if err := os.WriteFile(knob, old, 0o644); err != nil {
			t.Errorf("restoring %s: %v", knob, err)
		}
	}
	root := t.TempDir()
	set := mustSet(t, root)
	if err := os.WriteFile(knob, []byte("64\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	w, err := New(root, set, Options{})
	restore() // at once: other inotify users on this machine must not inherit the limit
	if err != nil {
		t.Fatal(err)
	}

	// Nobody serves yet, so the kernel queue overflows; the directory's
	// CREATE is among the lost events.
	for i := range 500 {
		if err := os.WriteFile(filepath.Join(root, fmt.Sprint("f", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(root, "newdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := serveHarness(t, root, set, w, true)
	h.waitFor("root Rescan", func(rs []Change) bool { return hasRecord(rs, Change{Kind: Rescan}) })
	if got := w.Counters().Overflows.Load(); got == 0 {
		t.Error("Overflows counter not incremented")
	}
	// The re-sync watched the directory whose CREATE was lost.
	h.write("newdir/after", "x")
	recs := h.sync()
	if !covered(recs[indexOf(recs, Change{Kind: Rescan})+1:], "newdir/after") {
		t.Errorf("file in a directory created during the overflow not reported:\n%s", dump(recs))
	}
}

func indexOf(recs []Change, want Change) int {
	for i, r := range recs {
		if r == want {
			return i
		}
	}
	return -1
}

// TestSlowConsumerCoalesces: with nobody reading, the fsnotify reader keeps
// going and writes to the same files merge.
func TestSlowConsumerCoalesces(t *testing.T) {
	h := newHarness(t, Options{Buffer: 1}, false)
	files := [2]*os.File{}
	for i := range files {
		f, err := os.Create(h.path(fmt.Sprint("f", i)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		files[i] = f
	}
	const writes = 2000
	for i := range writes {
		// Alternate files: inotify merges identical consecutive events.
		if _, err := files[i%2].Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	c := h.w.Counters()
	h.waitCounter("events read", c.Events.Load, writes)
	go h.collect()
	recs := h.sync()
	n := 0
	for _, r := range recs {
		if r.Path == "f0" || r.Path == "f1" {
			n++
		}
	}
	if n > 6 {
		t.Errorf("%d records for two files written %d times, want them merged:\n%s", n, writes, dump(recs))
	}
	if got := c.Coalesced.Load(); got < writes-6 {
		t.Errorf("Coalesced = %d, want at least %d", got, writes-6)
	}
}

// TestMaxPendingCollapsesToRescan bounds the backlog of a stalled consumer.
func TestMaxPendingCollapsesToRescan(t *testing.T) {
	h := newHarness(t, Options{Buffer: 1, MaxPending: 50}, false)
	const files = 300
	for i := range files {
		if err := os.WriteFile(h.path(fmt.Sprint("f", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c := h.w.Counters()
	h.waitCounter("events read", c.Events.Load, files)
	go h.collect()
	recs := h.sync()
	if !hasRecord(recs, Change{Kind: Rescan}) {
		t.Fatalf("no root Rescan after the backlog passed MaxPending:\n%s", dump(recs))
	}
	if len(recs) > 2*50 {
		t.Errorf("%d records delivered, want the backlog bounded near MaxPending", len(recs))
	}
	if c.Rescans.Load() == 0 || c.Coalesced.Load() == 0 {
		t.Errorf("counters not updated: rescans %d coalesced %d", c.Rescans.Load(), c.Coalesced.Load())
	}
}
