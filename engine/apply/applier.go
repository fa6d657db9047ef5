package apply

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Applier applies a replication stream to the tree at a target path. Apply,
// Sync and Close serialise on a mutex and are meant to be called from the
// session's applying goroutine; counters and state accessors may be read
// from anywhere.
type Applier struct {
	opts Options

	mu      sync.Mutex
	root    *root
	h       *handles
	pending error // a handle fsync that failed outside Sync, reported by the next Sync
	closed  bool

	counters    *Counters
	needsMirror atomic.Bool
	retrying    atomic.Bool
}

// New opens (creating if needed) the target path and returns an Applier
// for it.
func New(targetPath string, opts Options) (*Applier, error) {
	if opts.MaxOpenFiles <= 0 {
		opts.MaxOpenFiles = defaultMaxOpenFiles
	}
	if opts.SyncfsThreshold == 0 {
		opts.SyncfsThreshold = DefaultSyncfsThreshold
	}
	abs, err := filepath.Abs(targetPath)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	r, err := openRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("apply: %w", err)
	}
	c := opts.Counters
	if c == nil {
		c = &Counters{}
	}
	a := &Applier{opts: opts, root: r, counters: c.fill()}
	a.h = newHandles(opts.MaxOpenFiles, a.counters.OpenHandles)
	a.h.handOver = a.syncfsCovers
	return a, nil
}

// Root is the absolute target path.
func (a *Applier) Root() string { return a.root.path }

// Counters returns the live counters.
func (a *Applier) Counters() *Counters { return a.counters }

// NeedsMirror reports the "Mirror Required" target data state: an op has
// been dropped since the flag was last cleared.
func (a *Applier) NeedsMirror() bool { return a.needsMirror.Load() }

// ClearNeedsMirror resets NeedsMirror; the session calls it when a mirror
// that started after the drop has completed.
func (a *Applier) ClearNeedsMirror() { a.needsMirror.Store(false) }

// Retrying reports that the op being applied has failed at least
// NotifyAfter times and is still being retried ("Target is retrying
// operations").
func (a *Applier) Retrying() bool { return a.retrying.Load() }

// Close closes every handle (fsyncing those written since the last Sync)
// and the root. Directory entries are only durable after Sync.
func (a *Applier) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil
	}
	a.closed = true
	err := errors.Join(a.h.closeAll(), a.root.close())
	if err != nil {
		return fmt.Errorf("apply: close: %w", err)
	}
	return nil
}

var errClosed = errors.New("apply: applier is closed")

// event hands an event to the OnEvent hook.
func (a *Applier) event(id catalog.EventID, args ...string) {
	if a.opts.OnEvent != nil {
		a.opts.OnEvent(id, args...)
	}
}

// display is how an op's path appears in events: the full target path,
// or the raw quoted path when it was refused (joining would clean it into
// somewhere it never referred to).
func (a *Applier) display(p string, refused bool) string {
	if refused {
		return strconv.Quote(p)
	}
	return filepath.Join(a.root.path, filepath.FromSlash(p))
}

// keep records a failure of an fsync done outside Sync for Sync to report.
func (a *Applier) keep(err error) {
	if err != nil && a.pending == nil {
		a.pending = err
	}
}
