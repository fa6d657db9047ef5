package capture

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/repset"
	"github.com/fsnotify/fsnotify"
)

// Watcher captures the changes under one root. Create it with New, run
// Serve, and read Changes until it is closed.
type Watcher struct {
	root string
	set  *repset.Set
	opts Options
	fsw  *fsnotify.Watcher
	out  chan Change

	// Owned by the Serve goroutine (and by New before it).
	q         *queue
	dirs      map[string]*dirNode
	gen       uint64
	pending   *pendingRename
	selfMoves map[string]time.Time // watched directories renamed whose IN_MOVE_SELF is still to come
	timer     *time.Timer

	rulesChanged chan struct{}
	errs         *errorPump
	counters     Counters
	started      atomic.Bool
}

// New watches root, filtered by set, and returns once every wanted
// directory is watched: a change made after New returns is captured, so the
// caller may start its initial mirror right away. Changes are buffered
// until Serve runs (the kernel queue holds them; if it overflows, Serve
// starts with a root Rescan).
func New(root string, set *repset.Set, opts Options) (*Watcher, error) {
	if set == nil {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "capture needs a replication set")
	}
	if !filepath.IsAbs(root) {
		return nil, catalog.Err(catalog.CodeSourcePathInvalid, "capture root %q must be absolute", root)
	}
	root = filepath.Clean(root)
	if fi, err := os.Stat(root); err != nil {
		return nil, catalog.Wrap(catalog.CodeSourcePathInvalid, err, "capture root")
	} else if !fi.IsDir() {
		return nil, catalog.Err(catalog.CodeSourcePathInvalid, "capture root %s is not a directory", root)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	opts = opts.withDefaults()
	w := &Watcher{
		root:      root,
		set:       set,
		opts:      opts,
		fsw:       fsw,
		out:       make(chan Change, opts.Buffer),
		q:         newQueue(),
		dirs:      map[string]*dirNode{},
		selfMoves: map[string]time.Time{},
		timer:     time.NewTimer(time.Hour),

		rulesChanged: make(chan struct{}, 1),
		errs:         newErrorPump(),
	}
	go w.errs.run(fsw.Errors)
	w.timer.Stop()
	if err := w.addTree("", false); err != nil {
		fsw.Close()
		return nil, fmt.Errorf("capture: %w", err)
	}
	return w, nil
}

// Close releases the inotify instance of a watcher whose Serve never ran
// (New already holds it). Once Serve has started, cancel its context
// instead; Close then does nothing.
func (w *Watcher) Close() error {
	if !w.started.CompareAndSwap(false, true) {
		return nil
	}
	close(w.out)
	return w.fsw.Close()
}

// Changes is the record stream. It is closed when Serve returns.
func (w *Watcher) Changes() <-chan Change { return w.out }

// Counters are the watcher's statistics.
func (w *Watcher) Counters() *Counters { return &w.counters }

// RulesChanged tells the watcher that the set's rules were edited. Records
// are filtered with the current rules at once, but which directories are
// watched was decided with the old ones: Serve re-syncs the watches and
// emits a root Rescan. It never blocks.
func (w *Watcher) RulesChanged() {
	select {
	case w.rulesChanged <- struct{}{}:
	default: // a re-sync is already due
	}
}

// Serve runs capture until ctx is done (it then returns nil) or capture
// cannot go on: the root was removed or moved (code 140) or a watch could
// not be added. It may be called once. Records still queued when it returns
// are dropped with the channel; a restarted capture starts from a fresh
// mirror, as after any service restart.
func (w *Watcher) Serve(ctx context.Context) error {
	if !w.started.CompareAndSwap(false, true) {
		return errors.New("capture: Serve called twice")
	}
	defer close(w.out)
	defer w.fsw.Close()
	for {
		var (
			out  chan<- Change
			next Change
		)
		if w.q.len() > 0 {
			out, next = w.out, w.q.front()
		}
		select {
		case <-ctx.Done():
			return nil
		case out <- next:
			w.q.pop()
			w.counters.Records.Add(1)
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return errors.New("capture: fsnotify closed its event channel")
			}
			w.counters.Events.Add(1)
			if err := w.handle(ev); err != nil {
				return err
			}
		case <-w.errs.signal:
			if err := w.lost(); err != nil {
				return err
			}
		case <-w.timer.C:
			w.flushPending()
		case <-w.rulesChanged:
			w.flushPending()
			if err := w.resync(); err != nil {
				return fmt.Errorf("capture: re-sync after a rule change: %w", err)
			}
			w.emit(Change{Kind: Rescan})
		}
	}
}

// emit queues a record for the consumer.
func (w *Watcher) emit(c Change) {
	if c.Kind == Rescan {
		w.counters.Rescans.Add(1)
	}
	if c.Kind == Rescan && c.Path == "" {
		// Everything still queued is covered by re-mirroring the root.
		w.counters.Coalesced.Add(uint64(w.q.reset()))
	}
	if w.q.push(c) {
		w.counters.Coalesced.Add(1)
		return
	}
	if w.q.len() > w.opts.MaxPending {
		w.emit(Change{Kind: Rescan})
	}
}

// lost handles fsnotify's errors: an overflow, or an error reading events,
// means events are missing, so the watches are re-synced and the root
// rescanned.
func (w *Watcher) lost() error {
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
