package settings

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Change reports what a reload or a Set did to one setting, or that a
// reload was refused (Err set, Name empty).
type Change struct {
	Name     string
	Old, New string // secrets redacted
	Source   Source // where New comes from
	// Applied: New is in effect now. PendingRestart: New waits for a
	// service restart and Old stays in effect.
	Applied        bool
	PendingRestart bool
	Err            error
}

// watchSettle is how long the file must stay quiet before it is read:
// editors that write in place truncate first, and reading in between would
// see an empty file.
const watchSettle = 100 * time.Millisecond

// Subscribe calls fn for every change from now on, in order, outside the
// Store's lock. The returned function unsubscribes.
func (s *Store) Subscribe(fn func(Change)) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = fn
	return func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		delete(s.subs, id)
	}
}

func (s *Store) notify(changes []Change) {
	if len(changes) == 0 {
		return
	}
	s.mu.RLock()
	subs := make([]func(Change), 0, len(s.subs))
	for i := 0; i < s.nextSub; i++ {
		if fn, ok := s.subs[i]; ok {
			subs = append(subs, fn)
		}
	}
	s.mu.RUnlock()
	for _, c := range changes {
		for _, fn := range subs {
			fn(c)
		}
	}
}

// Watch follows the configuration file until ctx ends, reloading it after
// each change. It watches the directory, not the file: an atomic save
// replaces the file, and a watch on the old inode would go quiet.
func (s *Store) Watch(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("settings: watch: %w", err)
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		w.Close()
		return fmt.Errorf("settings: watch: %w", err)
	}
	if err := w.Add(dir); err != nil {
		w.Close()
		return fmt.Errorf("settings: watch %s: %w", dir, err)
	}
	// The file may have changed between Open and now.
	_ = s.Reload()
	go s.watchLoop(ctx, w)
	return nil
}

func (s *Store) watchLoop(ctx context.Context, w *fsnotify.Watcher) {
	defer w.Close()
	target := filepath.Clean(s.path)
	settle := time.NewTimer(time.Hour)
	settle.Stop()
	for {
		select {
		case <-ctx.Done():
			settle.Stop()
			return
		case ev, ok := <-w.Events:
			if !ok {
				return
			}
			if filepath.Clean(ev.Name) == target {
				settle.Reset(watchSettle)
			}
		case err, ok := <-w.Errors:
			if !ok {
				return
			}
			s.log.Warn("settings: watch", "file", s.path, "err", err)
		case <-settle.C:
			_ = s.Reload() // a refusal is logged and notified
		}
	}
}

// Reload reads the configuration file again and applies it as Watch does.
// A file that does not validate is refused whole: the error is logged,
// subscribers get a Change with Err set, and every value stays.
func (s *Store) Reload() error {
	layer, err := s.readFile()
	if err == nil {
		var changes []Change
		changes, err = s.apply(layer)
		if err == nil {
			s.notify(changes)
			return nil
		}
	}
	s.log.Error("settings: configuration change refused; previous values stay", "file", s.path, "err", err)
	s.notify([]Change{{Err: err}})
	return err
}

// apply makes layer the file's accepted contents: settings that need no
// restart take the new value now, the others record it as pending.
func (s *Store) apply(layer *fileLayer) ([]Change, error) {
	vals, err := s.resolve(layer)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var changes []Change
	for _, st := range s.ix.list {
		k := key(st.Name)
		r, c := vals[k], s.cur[k]
		switch {
		case r.value == c.value:
			c.source, c.pending = r.source, nil
		case restartNeeded(st):
			if c.pending == nil || *c.pending != r {
				c.pending = &r
				changes = append(changes, Change{Name: st.Name, Old: display(st, c.value),
					New: display(st, r.value), Source: r.source, PendingRestart: true})
			}
		default:
			changes = append(changes, Change{Name: st.Name, Old: display(st, c.value),
				New: display(st, r.value), Source: r.source, Applied: true})
			c.value, c.source, c.pending = r.value, r.source, nil
		}
	}
	s.file = layer
	return changes, nil
}
