package apply

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// Sync makes every op applied so far durable: written files and changed
// directories are fsynced once each, or the root's file system is flushed
// with one syncfs when there are SyncfsThreshold or more of them or a
// change is not held by any descriptor. On error nothing may be
// acknowledged.
func (a *Applier) Sync() error { return a.StartSync()() }

// StartSync is Sync in two steps, so the disk works while ops go on being
// applied: it notes, under the applier's lock and without waiting for the
// disk, what must be flushed for every op applied so far, and returns the
// flush. The flush holds no lock and touches nothing Apply uses (it
// fsyncs duplicates of the descriptors it needs), so it may run on another
// goroutine while Apply goes on; what is applied meanwhile is left to the
// next sync. One flush runs at a time, and it must have returned before
// Close. A failed flush is final: the session acknowledges nothing more
// and ends, and the source resends what was not acknowledged.
//
// Where descriptors cannot be duplicated (the portable build), the files
// are flushed here and the returned flush only reports the outcome.
func (a *Applier) StartSync() (flush func() error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return func() error { return errClosed }
	}
	errs := []error{a.pending, a.root.takeErr()}
	a.pending = nil

	dirty := a.h.dirtyList()
	n := len(dirty) + a.root.dirtyDirs()
	thr := a.opts.SyncfsThreshold
	full := a.root.canSyncfs() && (a.root.needsFull() || (thr > 0 && n >= thr))
	var files []*os.File // duplicates of the dirty handles syncfs does not reach
	for _, h := range dirty {
		h.dirty = false
		if full && h.dev == a.root.rootDev() {
			continue
		}
		f, err := dupFile(h.f)
		if err != nil {
			// No duplicate (the portable build, or out of descriptors):
			// flushed now, under the lock.
			if err := h.f.Sync(); err != nil {
				errs = append(errs, fmt.Errorf("fsync %s: %w", h.key, err))
			}
			continue
		}
		files = append(files, f)
	}
	dirs := a.root.takeDirty(full)
	a.h.forget()
	// Handles just marked clean close here without an fsync: the flush
	// covers them. With a CloseDelay of 0 this is where every handle closes.
	a.keep(a.h.closeIdle(time.Now().Add(-a.opts.CloseDelay)))
	root := a.root
	return func() error {
		if full {
			errs = append(errs, root.syncfs())
		}
		for _, f := range append(files, dirs...) {
			if err := f.Sync(); err != nil {
				errs = append(errs, fmt.Errorf("fsync %s: %w", f.Name(), err))
			}
			f.Close()
		}
		if err := errors.Join(errs...); err != nil {
			return fmt.Errorf("apply: sync: %w", err)
		}
		return nil
	}
}

// syncfsCovers hands an evicted dirty handle's durability to the next Sync
// when a syncfs of the root's file system will reach its file (the root
// can syncfs, the file lives there, and syncfs is allowed at all); Sync
// then flushes with syncfs. It runs on the applying goroutine, under
// whatever Apply or Sync holds.
func (a *Applier) syncfsCovers(h *handle) bool {
	if a.opts.SyncfsThreshold < 0 || !a.root.canSyncfs() || h.dev != a.root.rootDev() {
		return false
	}
	a.root.noteUnpinned()
	return true
}
