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
)

// Watcher captures the changes under one root. Create it with New, run
// Serve, and read Changes until it is closed.
//
// The Watcher owns what both kernel interfaces share: the root and the
// set's filter, the record queue (merging and the backlog's collapse into a
// root Rescan), delivery on Changes and the counters. A backend (fanotify
// or inotify, see Method) turns the kernel's events into records through
// emit.
type Watcher struct {
	root string
	set  *repset.Set
	opts Options
	out  chan Change

	// Owned by the Serve goroutine (and by New before it).
	q *queue

	method   Method
	fallback string // why fanotify was not used, when Options.Method was Auto
	serve    func(ctx context.Context) error
	release  func() error // releases the backend's kernel resources

	rulesChanged chan struct{}
	counters     Counters
	started      atomic.Bool

	queued func(Change) // tests only: sees every record queued; set before Serve
}

// New watches root, filtered by set, and returns once every wanted
// directory is watched: a change made after New returns is captured, so the
// caller may start its initial mirror right away. Changes are buffered
// until Serve runs (the kernel queue holds them; if it overflows, Serve
// starts with a root Rescan).
//
// With Options.Method Auto it uses fanotify where the kernel and the
// process's privileges allow, and per-directory inotify otherwise; Method
// and Fallback say which and why.
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
	opts = opts.withDefaults()
	w := &Watcher{
		root:         root,
		set:          set,
		opts:         opts,
		out:          make(chan Change, opts.Buffer),
		q:            newQueue(),
		rulesChanged: make(chan struct{}, 1),
	}
	if opts.Method != Inotify {
		err := startFanotify(w)
		if err == nil {
			w.method = Fanotify
			return w, nil
		}
		if opts.Method == Fanotify {
			return nil, fmt.Errorf("capture: %w", err)
		}
		w.fallback = err.Error()
	}
	if err := startInotify(w); err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	w.method = Inotify
	return w, nil
}

// Method is the kernel interface in use.
func (w *Watcher) Method() Method { return w.method }

// Fallback says why fanotify is not in use when it was not asked to be
// avoided ("" when it is in use, or when Options.Method forced inotify).
func (w *Watcher) Fallback() string { return w.fallback }

// Describe says which capture is in use, and why the fallback if it fell
// back, in words for the service view.
func (w *Watcher) Describe() string {
	if w.fallback != "" {
		return fmt.Sprintf("%s (fanotify unavailable: %s)", w.method, w.fallback)
	}
	return w.method.String()
}

// Close releases the kernel resources of a watcher whose Serve never ran
// (New already holds them). Once Serve has started, cancel its context
// instead; Close then does nothing.
func (w *Watcher) Close() error {
	if !w.started.CompareAndSwap(false, true) {
		return nil
	}
	close(w.out)
	return w.release()
}

// Changes is the record stream. It is closed when Serve returns.
func (w *Watcher) Changes() <-chan Change { return w.out }

// Counters are the watcher's statistics.
func (w *Watcher) Counters() *Counters { return &w.counters }

// RulesChanged tells the watcher that the set's rules were edited. Records
// are filtered with the current rules at once, but what is watched was
// decided with the old ones: Serve re-syncs and emits a root Rescan. It
// never blocks.
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
	return w.serve(ctx)
}

// backend is a kernel interface's side of Serve: E is what it reads.
type backend[E any] interface {
	// events delivers what the kernel reported; it is closed when the
	// backend cannot read any more, and failed then says why.
	events() <-chan E
	failed() error
	handle(E) error
	// alarm fires when events may have been lost; lost handles that.
	alarm() <-chan struct{}
	lost() error
	// timer fires when a record held back waiting for its second half is
	// due; timeout releases it.
	timer() <-chan time.Time
	timeout()
	// resync re-reads what is watched after the rules changed.
	resync() error
	// stop releases the kernel resources and waits for what the backend
	// started.
	stop() error
}

// serveWith is Serve's loop: it delivers queued records while it hands
// the backend's events to it, so a slow consumer never stalls the reading
// of the kernel's queue.
func serveWith[E any](ctx context.Context, w *Watcher, b backend[E]) (err error) {
	defer func() {
		if serr := b.stop(); err == nil && serr != nil && ctx.Err() == nil {
			err = fmt.Errorf("capture: %w", serr)
		}
	}()
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
		case ev, ok := <-b.events():
			if !ok {
				return fmt.Errorf("capture: %w", b.failed())
			}
			if err := b.handle(ev); err != nil {
				return err
			}
		case <-b.alarm():
			if err := b.lost(); err != nil {
				return err
			}
		case <-b.timer():
			b.timeout()
		case <-w.rulesChanged:
			b.timeout()
			if err := b.resync(); err != nil {
				return fmt.Errorf("capture: re-sync after a rule change: %w", err)
			}
			w.emit(Change{Kind: Rescan})
		}
	}
}

// emit queues a record for the consumer.
func (w *Watcher) emit(c Change) {
	if w.queued != nil {
		w.queued(c)
	}
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

// inSet reports whether a record about rel concerns the consumer: the entry
// is protected, or it is a directory holding protected entries.
func (w *Watcher) inSet(rel string, isDir bool) bool {
	return w.set.Matches(rel, isDir) || (isDir && w.set.WantDir(rel))
}
