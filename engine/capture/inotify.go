package capture

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fsnotify/fsnotify"
)

// inotifyCapture is the per-directory inotify backend (through fsnotify):
// a watch per wanted directory, added as directories appear, and renames
// paired from their two halves.
type inotifyCapture struct {
	*Watcher
	fsw *fsnotify.Watcher

	// Owned by the Serve goroutine (and by New before it).
	dirs      map[string]*dirNode
	gen       uint64
	pending   *pendingRename
	selfMoves map[string]time.Time // watched directories renamed whose IN_MOVE_SELF is still to come
	clock     *time.Timer

	errs *errorPump
}

// startInotify watches every wanted directory of w's root.
func startInotify(w *Watcher) error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	b := &inotifyCapture{
		Watcher:   w,
		fsw:       fsw,
		dirs:      map[string]*dirNode{},
		selfMoves: map[string]time.Time{},
		clock:     time.NewTimer(time.Hour),
		errs:      newErrorPump(),
	}
	b.clock.Stop()
	go b.errs.run(fsw.Errors)
	if err := b.addTree("", false); err != nil {
		fsw.Close()
		return err
	}
	w.serve = func(ctx context.Context) error { return serveWith[fsnotify.Event](ctx, w, b) }
	w.release = fsw.Close
	return nil
}

func (w *inotifyCapture) events() <-chan fsnotify.Event { return w.fsw.Events }

func (w *inotifyCapture) failed() error { return errors.New("fsnotify closed its event channel") }

func (w *inotifyCapture) alarm() <-chan struct{} { return w.errs.signal }

func (w *inotifyCapture) timer() <-chan time.Time { return w.clock.C }

// timeout reports a rename whose second half did not come in time.
func (w *inotifyCapture) timeout() { w.flushPending() }

func (w *inotifyCapture) stop() error { return w.fsw.Close() }

// lost handles fsnotify's errors: an overflow, or an error reading events,
// means events are missing, so the watches are re-synced and the root
// rescanned.
func (w *inotifyCapture) lost() error {
	overflow, benign, other := w.errs.take()
	w.counters.Overflows.Add(uint64(overflow))
	w.counters.Errors.Add(uint64(benign + len(other)))
	if overflow == 0 && len(other) == 0 {
		return nil
	}
	// A pending rename's second half may be among the lost events.
	w.flushPending()
	if err := w.resync(); err != nil {
		return fmt.Errorf("capture: re-sync after lost events: %w", err)
	}
	w.emit(Change{Kind: Rescan})
	return nil
}
