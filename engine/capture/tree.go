package capture

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"

	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/fsnotify/fsnotify"
)

// fileKey identifies a directory independently of its name, to pair the two
// halves of a directory rename when fsnotify cannot.
type fileKey struct{ dev, ino uint64 }

func keyOf(fi fs.FileInfo) fileKey {
	in := fsinfo.Of(fi)
	return fileKey{dev: in.Dev, ino: in.Ino}
}

// dirNode is a directory capture knows about: a watched one, or a protected
// one not worth watching (so a later Remove can say IsDir).
type dirNode struct {
	key     fileKey
	watched bool
	gen     uint64              // last re-sync that saw it
	kids    map[string]struct{} // names of known subdirectories
}

// setDir records directory rel.
func (w *inotifyCapture) setDir(rel string, key fileKey, watched bool) {
	n := w.dirs[rel]
	if n == nil {
		n = &dirNode{}
		w.dirs[rel] = n
		if rel != "" {
			if p := w.dirs[parentOf(rel)]; p != nil {
				if p.kids == nil {
					p.kids = map[string]struct{}{}
				}
				p.kids[path.Base(rel)] = struct{}{}
			}
		}
	}
	switch {
	case watched && !n.watched:
		w.counters.Watches.Add(1)
	case !watched && n.watched:
		w.counters.Watches.Add(-1)
	}
	n.key, n.watched, n.gen = key, watched, w.gen
}

// dropTree forgets directory rel and everything known below it, removing
// their watches: after a delete the kernel has dropped them already, after
// a move out of the set or a rename they would report stale paths. It
// reports whether fsnotify had already dropped rel's own watch, which it
// does when it sees the directory move (IN_MOVE_SELF).
func (w *inotifyCapture) dropTree(rel string) (selfGone bool) {
	top := w.dirs[rel]
	if top == nil {
		return false
	}
	if rel != "" {
		if p := w.dirs[parentOf(rel)]; p != nil {
			delete(p.kids, path.Base(rel))
		}
	}
	stack := []string{rel}
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := w.dirs[d]
		if n == nil {
			continue
		}
		for k := range n.kids {
			stack = append(stack, joinRel(d, k))
		}
		delete(w.dirs, d)
		if n.watched {
			w.counters.Watches.Add(-1)
			err := w.fsw.Remove(w.abs(d))
			if d == rel && errors.Is(err, fsnotify.ErrNonExistentWatch) {
				selfGone = true
			}
		}
	}
	return selfGone
}

// addTree watches directory rel and every wanted directory below it; with
// report set it queues a Create for every protected entry it finds below
// rel (see Watcher.walk).
func (w *inotifyCapture) addTree(rel string, report bool) error {
	return w.walk(rel, report, w.watchDir, func(dir string) { w.setDir(dir, fileKey{}, false) })
}

// watchDir adds the watch for directory rel. It reports false, without
// error, when rel is gone or is no longer a directory.
func (w *inotifyCapture) watchDir(rel string) (bool, error) {
	abs := w.abs(rel)
	fi, err := os.Lstat(abs)
	if err != nil {
		if vanished(err) {
			return false, nil
		}
		return false, fmt.Errorf("watching %s: %w", abs, err)
	}
	if !fi.IsDir() {
		return false, nil
	}
	if err := w.fsw.Add(abs); err != nil {
		if vanished(err) {
			return false, nil
		}
		// ENOSPC here means fs.inotify.max_user_watches is too low: changes
		// would go unseen, so it stops capture rather than limp on.
		return false, fmt.Errorf("watching %s: %w", abs, err)
	}
	w.setDir(rel, keyOf(fi), true)
	return true, nil
}

// resync re-walks the whole tree after events were lost: directories
// created meanwhile get watched, vanished ones are forgotten.
func (w *inotifyCapture) resync() error {
	w.gen++
	if err := w.addTree("", false); err != nil {
		return err
	}
	var stale []string
	for rel, n := range w.dirs {
		if n.gen != w.gen {
			stale = append(stale, rel)
		}
	}
	for _, rel := range stale {
		if _, ok := w.dirs[rel]; ok {
			w.dropTree(rel)
		}
	}
	return nil
}
