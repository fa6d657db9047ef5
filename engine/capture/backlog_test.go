package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestOverflowRescansRoot lowers the kernel's event queue limit (read
// when the inotify instance or fanotify group is created) so a real
// overflow happens. fanotify's queue is asked to be unbounded, so this
// test asks for the bounded one (see fanUnlimited).
func TestOverflowRescansRoot(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		boundFanotifyQueue(t)
		knob := "/proc/sys/fs/" + m.String() + "/max_queued_events"
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
		w, err := New(root, set, Options{Method: m})
		restore() // at once: other users on this machine must not inherit the limit
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
		// Capture follows the directory whose CREATE was lost.
		h.write("newdir/after", "x")
		recs := h.sync()
		if !covered(recs[indexOf(recs, Change{Kind: Rescan})+1:], "newdir/after") {
			t.Errorf("file in a directory created during the overflow not reported:\n%s", dump(recs))
		}
	})
}

func indexOf(recs []Change, want Change) int {
	for i, r := range recs {
		if r == want {
			return i
		}
	}
	return -1
}

// TestSlowConsumerCoalesces: with nobody reading, the kernel's events are
// still read and writes to the same files merge.
func TestSlowConsumerCoalesces(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		root := t.TempDir()
		set := mustSet(t, root)
		w, err := New(root, set, Options{Buffer: 1, Method: m})
		if err != nil {
			t.Fatal(err)
		}
		// The marker is written after every write: once its record is
		// queued, every write's event has been read.
		marked := make(chan struct{})
		var once sync.Once
		w.queued = func(c Change) {
			if c.Path == "marker" {
				once.Do(func() { close(marked) })
			}
		}
		h := serveHarness(t, root, set, w, false)
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
		h.write("marker", "")
		select {
		case <-marked:
		case <-time.After(deadline):
			t.Fatal("the marker written after the writes was never queued")
		}
		c := h.w.Counters()
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
		// Every event read about the two files is one of their n records or
		// was merged into one (fanotify's kernel merges some before they are
		// read); the other events are the two markers.
		if got, ev := c.Coalesced.Load(), c.Events.Load(); got+uint64(n)+2 < ev {
			t.Errorf("Coalesced = %d of %d events read, %d records: want the rest merged", got, ev, n)
		}
	})
}

// TestMaxPendingCollapsesToRescan bounds the backlog of a stalled consumer.
func TestMaxPendingCollapsesToRescan(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		h := newHarness(t, Options{Buffer: 1, MaxPending: 50, Method: m}, false)
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
	})
}
