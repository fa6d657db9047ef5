package apply

import (
	"errors"
	"fmt"
	"time"
)

// Sync makes every op applied so far durable: written files and changed
// directories are fsynced once each, or the root's file system is flushed
// with one syncfs when there are SyncfsThreshold or more of them or a
// change is not held by any descriptor. The session calls it before
// acknowledging a batch; on error nothing may be acknowledged, and what
// failed stays dirty for the next Sync.
func (a *Applier) Sync() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return errClosed
	}
	errs := []error{a.pending, a.root.takeErr()}
	a.pending = nil

	dirty := a.h.dirtyList()
	n := len(dirty) + a.root.dirtyDirs()
	thr := a.opts.SyncfsThreshold
	full := a.root.canSyncfs() && (a.root.needsFull() || (thr > 0 && n >= thr))
	if full {
		if err := a.root.syncAll(); err != nil {
			errs = append(errs, err)
		} else {
			for _, h := range dirty {
				// syncfs covered files on the root's file system only.
				if h.dev == a.root.rootDev() {
					h.dirty = false
				}
			}
		}
	}
	for _, h := range dirty {
		if !h.dirty {
			continue
		}
		if err := h.f.Sync(); err != nil {
			errs = append(errs, fmt.Errorf("fsync %s: %w", h.key, err))
			continue
		}
		h.dirty = false
	}
	if !full {
		errs = append(errs, a.root.syncDirs(false))
	}
	// Handles just flushed are clean, so closing the idle ones here costs
	// no fsync; with a CloseDelay of 0 this is where every handle closes.
	a.keep(a.h.closeIdle(time.Now().Add(-a.opts.CloseDelay)))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("apply: sync: %w", err)
	}
	return nil
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
