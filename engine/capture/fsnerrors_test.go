package capture

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/fsnotify/fsnotify"
)

func TestErrorPumpClassifies(t *testing.T) {
	p := newErrorPump()
	errs := make(chan error)
	done := make(chan struct{})
	go func() { p.run(errs); close(done) }()
	errs <- fsnotify.ErrEventOverflow
	errs <- fmt.Errorf("rm watch: %w", syscall.EINVAL)
	errs <- errors.New("short read")
	errs <- fsnotify.ErrEventOverflow
	close(errs)
	<-done
	overflow, benign, other := p.take()
	if overflow != 2 || benign != 1 || len(other) != 1 {
		t.Fatalf("take = %d overflows, %d benign, %v; want 2, 1, [short read]", overflow, benign, other)
	}
	if o, b, rest := p.take(); o != 0 || b != 0 || rest != nil {
		t.Fatal("take did not clear")
	}
}

// TestMoveThenDeleteDirs: a directory moved and removed at once makes
// fsnotify report EINVAL while it holds its watch lock, at the moment
// capture is adding and removing watches. Capture must neither deadlock
// nor rescan for it.
func TestMoveThenDeleteDirs(t *testing.T) {
	h := newHarness(t, Options{}, true)
	for i := range 300 {
		d := h.path(fmt.Sprint("d", i%7))
		if err := os.MkdirAll(d+"/sub/deeper", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(d+"/sub", d+"/moved"); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(d + "/moved"); err != nil {
			t.Fatal(err)
		}
	}
	recs := h.sync()
	if h.w.Counters().Overflows.Load() == 0 && hasRecord(recs, Change{Kind: Rescan}) {
		t.Errorf("root Rescan without an overflow:\n%s", dump(recs))
	}
}
