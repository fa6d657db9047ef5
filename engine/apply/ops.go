package apply

import (
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/dtrep/dtrep/engine/wire"
)

// applyOnce makes one attempt at op. Every op is idempotent, so a retry
// after a partial failure (a write cut short by a full disk) starts over.
func (a *Applier) applyOnce(op *wire.Op) error {
	if !op.Kind.KeepsNames() {
		// The directory kept for the next file's parent may no longer be
		// at its name.
		a.root.forgetNear()
	}
	switch op.Kind {
	case wire.OpCreate:
		return a.create(op)
	case wire.OpWrite:
		h, err := a.writable(op.Path)
		if err != nil {
			return err
		}
		h.dirty = true
		if err := a.reserve(h, op); err != nil {
			return err
		}
		if _, err := h.f.WriteAt(op.Data, op.Offset); err != nil {
			h.sized = false
			return err
		}
		h.wrote(op.Offset, len(op.Data))
		a.counters.BytesWritten.Add(int64(len(op.Data)))
		return nil
	case wire.OpTruncate:
		h, err := a.writable(op.Path)
		if err != nil {
			return err
		}
		if h.sized && h.size == op.Size {
			return nil // the writes left it this long
		}
		h.dirty = true
		h.sized = false
		if err := h.f.Truncate(op.Size); err != nil {
			return err
		}
		h.size, h.sized = op.Size, true
		return nil
	case wire.OpAttr:
		return a.setAttr(op)
	case wire.OpRename:
		return a.rename(op.Path, op.NewPath)
	case wire.OpDelete:
		return a.removing(op.Path, a.root.remove)
	case wire.OpRmdir:
		return a.removing(op.Path, a.root.removeAll)
	case wire.OpMkdir:
		return a.root.mkdirAll(op.Path, op.Mode)
	case wire.OpSymlink:
		return a.replacing(op.Path, func() error { return a.root.symlink(op.LinkTarget, op.Path) })
	case wire.OpHardlink:
		return a.replacing(op.NewPath, func() error { return a.root.link(op.Path, op.NewPath) })
	case wire.OpMark:
		return nil
	}
	return fmt.Errorf("apply: no handler for %s", op.Kind)
}

// create creates or truncates a file and keeps its handle, since writes
// to it almost always follow.
func (a *Applier) create(op *wire.Op) error {
	if old := a.h.get(op.Path, time.Now()); old != nil {
		// The new descriptor supersedes it; the truncation makes its
		// unsynced data moot.
		a.keep(a.h.close(old, false))
	}
	h, err := a.root.create(op.Path, op.Mode)
	if err != nil {
		return err
	}
	h.dirty = true
	h.size, h.sized = 0, true // created or truncated
	if op.Mirror && a.opts.FileAlloc && op.Size > 0 {
		h.reserve = op.Size
	}
	h.used = time.Now()
	a.keep(a.h.add(h))
	return nil
}

// reserve allocates a mirrored file's whole length at its first write
// (TGFileAlloc), unless that write alone reaches it: a file that arrives
// in one write is allocated by the write itself, and a reservation would
// cost a call per small file for nothing.
func (a *Applier) reserve(h *handle, op *wire.Op) error {
	size := h.reserve
	if size == 0 {
		return nil
	}
	if op.Offset > 0 || int64(len(op.Data)) < size {
		if err := a.root.allocate(h, size); err != nil {
			return err // kept for the retry
		}
	}
	h.reserve = 0
	return nil
}

// writable returns the cached handle for p, opening it if needed.
func (a *Applier) writable(p string) (*handle, error) {
	now := time.Now()
	if h := a.h.get(p, now); h != nil {
		return h, nil
	}
	h, err := a.root.openWrite(p)
	if err != nil {
		return nil, err
	}
	h.used = now
	a.keep(a.h.add(h))
	return h, nil
}

func (a *Applier) setAttr(op *wire.Op) error {
	if a.opts.DisableAttributes {
		return nil
	}
	at := attrs{mode: op.Mode, uid: op.UID, gid: op.GID, atime: op.Atime, mtime: op.Mtime}
	// Inode metadata is made durable by fsyncing the inode: through its
	// handle when one is open, otherwise only syncfs reaches it. An open
	// handle is also the cheaper way to change it: no path to resolve.
	if h := a.h.get(op.Path, time.Now()); h != nil {
		h.dirty = true
		return a.root.setAttrOpen(h, at)
	}
	if err := a.root.setAttr(op.Path, at); err != nil {
		return err
	}
	a.root.noteUnpinned()
	return nil
}

// removing runs a delete or rmdir of p. A path that is already gone is
// counted, not failed: the source's intent holds.
func (a *Applier) removing(p string, remove func(string) error) error {
	err := a.replacing(p, func() error { return remove(p) })
	if errors.Is(err, fs.ErrNotExist) {
		a.counters.MissingDeletes.Add(1)
		return nil
	}
	return err
}

// replacing runs change, which removes or replaces what is at p, and
// retires the handles at or beneath p: before the change where open
// handles would block it (Windows), after it elsewhere, when fsync can be
// skipped for files left without a name.
func (a *Applier) replacing(p string, change func() error) error {
	if releaseFirst {
		a.release(p, false)
	}
	if err := change(); err != nil {
		return err
	}
	if !releaseFirst {
		a.release(p, true)
	}
	return nil
}

// release closes the handles at or beneath p. After an unlink (unlinked
// set) a dirty handle is fsynced only if its file still has another name.
func (a *Applier) release(p string, unlinked bool) {
	for _, h := range a.h.under(p) {
		a.keep(a.h.close(h, !unlinked || stillLinked(h)))
	}
}

func (a *Applier) rename(from, to string) error {
	if from == to {
		return nil
	}
	if releaseFirst {
		a.release(from, false)
		a.release(to, false)
	}
	if err := a.root.rename(from, to); err != nil {
		return err
	}
	if !releaseFirst {
		// Handles at the destination belonged to what was replaced; the
		// moved files' handles stay valid under their new names.
		a.release(to, true)
		a.h.rekey(from, to)
	}
	return nil
}
