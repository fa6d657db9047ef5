package apply

import (
	"container/list"
	"fmt"
	"os"
	"sync/atomic"
	"time"
)

// handle is an open, writable regular file of the tree.
type handle struct {
	key   string // the op path it was opened by
	f     *os.File
	dev   uint64 // device, to tell whether the root's syncfs covers it
	dirty bool   // written since it was last fsynced
	used  time.Time
	// size is the file's length as this applier last made it, when sized,
	// so a truncate to the length the writes left is skipped.
	size  int64
	sized bool
	// reserve is the length TGFileAlloc reserves at the first write of a
	// mirrored file (0: nothing to reserve).
	reserve int64
	// own is the file's ownership and mode as its open or this applier
	// last set them, so an attribute op repeats no change already made.
	own ownership
}

// ownership is a file's ownership and permission bits, when known.
type ownership struct {
	known    bool
	uid, gid int64
	mode     uint32
}

// wrote records a write of n bytes at off.
func (h *handle) wrote(off int64, n int) {
	if h.sized {
		h.size = max(h.size, off+int64(n))
	}
}

// handles is the LRU cache of open files. It is used only from the
// applying goroutine, so it has no lock; the size is published through an
// atomic counter for the stats layer.
type handles struct {
	max   int
	lru   *list.List // front is most recently used; values are *handle
	byKey map[string]*list.Element
	open  *atomic.Int64 // shared with other caches: moved by deltas
	shown int64         // what this cache has added to open
	// handOver, when set, is asked before an evicted dirty handle is
	// closed: true means the next Sync will flush its file by other means
	// (a syncfs of its file system), so it is closed without an fsync.
	handOver func(*handle) bool
}

// count brings open in line with the cache's size.
func (c *handles) count() {
	n := int64(len(c.byKey))
	c.open.Add(n - c.shown)
	c.shown = n
}

func newHandles(max int, open *atomic.Int64) *handles {
	return &handles{max: max, lru: list.New(), byKey: map[string]*list.Element{}, open: open}
}

// get returns key's handle, marking it used.
func (c *handles) get(key string, now time.Time) *handle {
	el, ok := c.byKey[key]
	if !ok {
		return nil
	}
	c.lru.MoveToFront(el)
	h := el.Value.(*handle)
	h.used = now
	return h
}

// add caches h, closing the least recently used handles beyond the bound.
// A dirty handle is fsynced before it is closed.
func (c *handles) add(h *handle) error {
	c.byKey[h.key] = c.lru.PushFront(h)
	c.count()
	var first error
	for len(c.byKey) > c.max {
		if err := c.evict(c.lru.Back().Value.(*handle)); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// closeIdle closes handles unused since before cutoff.
func (c *handles) closeIdle(cutoff time.Time) error {
	var first error
	for el := c.lru.Back(); el != nil; el = c.lru.Back() {
		h := el.Value.(*handle)
		if !h.used.Before(cutoff) {
			break
		}
		if err := c.evict(h); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// evict closes a handle the cache has no room or use for. A dirty one is
// fsynced first unless handOver takes its durability to the next Sync: a
// mirror of many small files evicts most of them before any Sync, and one
// syncfs there costs less than an fsync each (BenchmarkSyncStrategy).
func (c *handles) evict(h *handle) error {
	return c.close(h, !(h.dirty && c.handOver != nil && c.handOver(h)))
}

// close removes h from the cache and closes it, first fsyncing it when it
// is dirty and sync is set. Callers pass sync=false only when the file's
// data no longer matters (it was unlinked and has no other name) or the
// next Sync flushes it otherwise (evict).
func (c *handles) close(h *handle, sync bool) error {
	if el, ok := c.byKey[h.key]; ok && el.Value == h {
		c.lru.Remove(el)
		delete(c.byKey, h.key)
		c.count()
	}
	var err error
	if sync && h.dirty {
		if err = h.f.Sync(); err != nil {
			err = fmt.Errorf("fsync before close: %w", err)
		}
	}
	if cerr := h.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close: %w", cerr)
	}
	return err
}

// under returns the handles at or beneath p.
func (c *handles) under(p string) []*handle {
	var out []*handle
	for k, el := range c.byKey {
		if under(k, p) {
			out = append(out, el.Value.(*handle))
		}
	}
	return out
}

// rekey moves the handles at or beneath from to the same place under to,
// after a rename moved the files they refer to.
func (c *handles) rekey(from, to string) {
	for _, h := range c.under(from) {
		el := c.byKey[h.key]
		delete(c.byKey, h.key)
		h.key = to + h.key[len(from):]
		c.byKey[h.key] = el
	}
	c.count()
}

// forget drops what the handles know of their files' length, ownership
// and mode. That knowledge saves calls within a batch; between batches
// something else on the target may have changed the file (a verification
// must be able to repair a mode changed there), so each sync ends it.
func (c *handles) forget() {
	for el := c.lru.Front(); el != nil; el = el.Next() {
		h := el.Value.(*handle)
		h.sized, h.own.known = false, false
	}
}

// dirtyList returns every dirty handle.
func (c *handles) dirtyList() []*handle {
	var out []*handle
	for el := c.lru.Front(); el != nil; el = el.Next() {
		if h := el.Value.(*handle); h.dirty {
			out = append(out, h)
		}
	}
	return out
}

// closeAll closes every handle, fsyncing dirty ones.
func (c *handles) closeAll() error {
	var first error
	for el := c.lru.Front(); el != nil; el = c.lru.Front() {
		if err := c.close(el.Value.(*handle), true); err != nil && first == nil {
			first = err
		}
	}
	return first
}
