package capture

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"syscall"

	"github.com/dtrep/dtrep/engine/repset"
)

func (w *Watcher) abs(rel string) string {
	if rel == "" {
		return w.root
	}
	return w.root + "/" + rel
}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func parentOf(rel string) string {
	if d := path.Dir(rel); d != "." {
		return d
	}
	return ""
}

// walk visits directory rel and every wanted directory below it: enter is
// called first for each, and only the directories it accepts are listed.
// A protected directory not worth entering is handed to skipped. With
// report set walk queues a Create for every protected entry it finds below
// rel (rel itself is the caller's to report): a directory that appeared is
// scanned once capture sees what happens in it, so nothing created in it
// before is lost, at the price of an occasional duplicate Create.
func (w *Watcher) walk(rel string, report bool, enter func(dir string) (bool, error), skipped func(dir string)) error {
	stack := []string{rel}
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		ok, err := enter(d)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		entries, err := repset.ReadDir(w.abs(d))
		if err != nil {
			if vanished(err) {
				continue // its Remove event follows
			}
			return fmt.Errorf("scanning %s: %w", w.abs(d), err)
		}
		for _, e := range entries {
			child := joinRel(d, e.Name())
			if !e.IsDir() {
				if report && w.set.Matches(child, false) {
					w.emit(Change{Kind: Create, Path: child})
				}
				continue
			}
			matched := w.set.Matches(child, true)
			if report && matched {
				w.emit(Change{Kind: Create, Path: child, IsDir: true})
			}
			switch {
			case w.set.WantDir(child):
				stack = append(stack, child)
			case matched:
				skipped(child)
			}
		}
	}
	return nil
}

// vanished reports errors meaning the path is gone or changed type under us,
// which the event stream reports separately.
func vanished(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}
