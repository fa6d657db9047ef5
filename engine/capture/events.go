package capture

import (
	"os"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/fsnotify/fsnotify"
)

// selfMoveTTL bounds how long an expected IN_MOVE_SELF echo is waited for;
// it is queued with the rename itself, so it normally arrives at once.
const selfMoveTTL = time.Second

// pendingRename is the first half of a rename (RENAME old), waiting for the
// CREATE new that completes it.
type pendingRename struct {
	rel      string
	abs      string
	isDir    bool
	key      fileKey
	echoSeen bool // fsnotify's IN_MOVE_SELF Rename for the same path already arrived
}

func (w *inotifyCapture) relOf(name string) (string, bool) {
	if name == w.root {
		return "", true
	}
	return strings.CutPrefix(name, w.root+"/")
}

// handle turns one fsnotify event into records.
func (w *inotifyCapture) handle(ev fsnotify.Event) error {
	w.counters.Events.Add(1)
	rel, ok := w.relOf(ev.Name)
	if !ok {
		return nil
	}
	if rel == "" {
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			return catalog.Err(catalog.CodeSourcePathInvalid, "capture root %s was removed or moved", w.root)
		}
		return nil
	}
	// An event from a directory no longer watched under that name carries a
	// stale path (it was queued before a rename was handled); the Rescan
	// that followed the rename covers it.
	if p := w.dirs[parentOf(rel)]; p == nil || !p.watched {
		return nil
	}

	if ev.Has(fsnotify.Rename) {
		if t, ok := w.selfMoves[rel]; ok {
			delete(w.selfMoves, rel)
			if time.Since(t) < selfMoveTTL {
				return nil // IN_MOVE_SELF echo of a rename already handled
			}
		}
		if p := w.pending; p != nil && p.rel == rel {
			p.echoSeen = true
			return nil
		}
		w.flushPending()
		w.startPending(rel)
		return nil
	}
	if ev.Has(fsnotify.Create) && w.pending != nil && w.completes(w.pending, ev, rel) {
		p := w.pending
		w.pending = nil
		w.clock.Stop()
		return w.renamed(p, rel)
	}
	// Anything else means the pending rename left the set: inotify queues
	// both halves of a rename together.
	w.flushPending()

	switch {
	case ev.Has(fsnotify.Remove):
		w.removed(rel)
	case ev.Has(fsnotify.Create):
		return w.created(rel)
	case ev.Has(fsnotify.Write):
		if w.set.Matches(rel, false) {
			w.emit(Change{Kind: Write, Path: rel})
		}
	case ev.Has(fsnotify.Chmod):
		isDir := w.dirs[rel] != nil
		if !isDir {
			fi, err := os.Lstat(ev.Name)
			if err != nil {
				return nil // gone; its Remove follows
			}
			isDir = fi.IsDir()
		}
		if w.set.Matches(rel, isDir) {
			w.emit(Change{Kind: Chmod, Path: rel, IsDir: isDir})
		}
	}
	return nil
}

func (w *inotifyCapture) startPending(rel string) {
	p := &pendingRename{rel: rel, abs: w.abs(rel)}
	if n := w.dirs[rel]; n != nil {
		p.isDir, p.key = true, n.key
	}
	w.pending = p
	w.clock.Reset(w.opts.RenameWindow)
}

// completes reports whether the CREATE ev at rel is the second half of p.
func (w *inotifyCapture) completes(p *pendingRename, ev fsnotify.Event, rel string) bool {
	if old := renamedFrom(ev); old != "" {
		return old == p.abs
	}
	if !p.isDir || p.key == (fileKey{}) {
		return false
	}
	fi, err := os.Lstat(ev.Name)
	return err == nil && fi.IsDir() && keyOf(fi) == p.key
}

// flushPending reports a rename whose second half never came: the entry
// was moved out of the set.
func (w *inotifyCapture) flushPending() {
	p := w.pending
	if p == nil {
		return
	}
	w.pending = nil
	w.clock.Stop()
	w.forget(p)
	if w.inSet(p.rel, p.isDir) {
		w.emit(Change{Kind: Remove, Path: p.rel, IsDir: p.isDir})
	}
}

// forget drops what capture knew about the old side of a rename.
func (w *inotifyCapture) forget(p *pendingRename) {
	if !p.isDir {
		return
	}
	if w.dropTree(p.rel) && !p.echoSeen {
		now := time.Now()
		for k, t := range w.selfMoves {
			if now.Sub(t) > selfMoveTTL {
				delete(w.selfMoves, k)
			}
		}
		w.selfMoves[p.rel] = now
	}
}

// renamed handles a complete rename of p to rel.
func (w *inotifyCapture) renamed(p *pendingRename, rel string) error {
	isDir := p.isDir
	fi, err := os.Lstat(w.abs(rel))
	if err == nil {
		isDir = fi.IsDir()
	}
	w.forget(p)
	oldIn, newIn := w.inSet(p.rel, p.isDir), w.inSet(rel, isDir)
	switch {
	case oldIn && newIn:
		w.emit(Change{Kind: Rename, Path: rel, OldPath: p.rel, IsDir: isDir})
		if !isDir {
			return nil
		}
		if w.set.WantDir(rel) {
			if err := w.addTree(rel, false); err != nil {
				return err
			}
			w.emit(Change{Kind: Rescan, Path: rel, IsDir: true})
		} else if fi != nil {
			w.setDir(rel, keyOf(fi), false)
		}
	case oldIn:
		w.emit(Change{Kind: Remove, Path: p.rel, IsDir: p.isDir})
	case newIn:
		return w.created(rel)
	}
	return nil
}

// created handles a new entry (created, or moved in from outside the set).
func (w *inotifyCapture) created(rel string) error {
	fi, err := os.Lstat(w.abs(rel))
	if err != nil {
		return nil // already gone; its Remove follows
	}
	if !fi.IsDir() {
		if w.set.Matches(rel, false) {
			w.emit(Change{Kind: Create, Path: rel})
		}
		return nil
	}
	key := keyOf(fi)
	if n := w.dirs[rel]; n != nil && n.watched && n.key == key {
		return nil // found and reported by the scan of its parent
	}
	matched := w.set.Matches(rel, true)
	if matched {
		w.emit(Change{Kind: Create, Path: rel, IsDir: true})
	}
	switch {
	case w.set.WantDir(rel):
		return w.addTree(rel, true)
	case matched:
		w.setDir(rel, key, false)
	}
	return nil
}

// removed handles a deleted entry.
func (w *inotifyCapture) removed(rel string) {
	isDir := w.dirs[rel] != nil
	if isDir {
		w.dropTree(rel)
	}
	if w.inSet(rel, isDir) {
		w.emit(Change{Kind: Remove, Path: rel, IsDir: isDir})
	}
}
