package source

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/capture"
	"github.com/dtrep/dtrep/engine/catalog"
)

// replicator turns capture records into ops, in the order they happened.
type replicator struct {
	c *Connection
	w *capture.Watcher
	// vanished holds paths whose record came after they were renamed
	// away: when the rename's record arrives, the new path is synced.
	vanished map[string]struct{}
	dirty    map[string]struct{} // directories whose entries changed: their times are resent
}

func newReplicator(c *Connection) *replicator {
	return &replicator{c: c, vanished: map[string]struct{}{}, dirty: map[string]struct{}{}}
}

// start begins watching before any mirror reads the tree, so no change
// between the mirror's read and the first record is missed.
func (r *replicator) start() error {
	method, err := capture.ParseMethod(r.c.cfg.Settings.String(catalog.SettingChangeCaptureMethod))
	if err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "ChangeCaptureMethod")
	}
	w, err := capture.New(r.c.cfg.Set.Root(), r.c.cfg.Set, capture.Options{Method: method})
	if err != nil {
		return err
	}
	r.w = w
	r.c.st.update(func(s *Status) { s.ChangeCapture = w.Describe() })
	return nil
}

// capturePoll is how often a connection whose capture failed looks whether
// the source path is back.
const capturePoll = time.Second

// run replicates until ctx ends. It owns the capture: when capture fails
// (the source path was removed, renamed or unmounted) the connection says
// so at once (events 4070 and 4025, Replication Status Failed, conState
// Error, Target data state Mirror Required), and when the path is back it
// watches again and a difference mirror sends what changed meanwhile.
func (r *replicator) run(ctx context.Context) {
	c := r.c
	c.raise(catalog.EventDoubleTake4024, c.ctxArgs()...)
	for {
		err := r.serveCapture(ctx)
		if ctx.Err() != nil {
			return
		}
		r.captureFailed(err)
		if !r.restartCapture(ctx) {
			return
		}
		c.captureErr.Store(nil)
		c.st.update(func(s *Status) {
			if s.ReplicationStatus == ReplFailed {
				s.ReplicationStatus = ReplPending
			}
		})
		c.cfg.Log.Info("source path is back: replicating again after a difference mirror", "connection", c.cfg.ID,
			"path", c.cfg.Set.Root())
		c.raise(catalog.EventDoubleTake4024, c.ctxArgs()...)
		c.RequestMirror(MirrorDiffMode)
	}
}

// serveCapture runs the watcher and turns its records into ops until the
// watcher ends; it returns why (nil when ctx ended).
func (r *replicator) serveCapture(ctx context.Context) error {
	served := make(chan error, 1)
	go func() { served <- r.w.Serve(ctx) }()
	r.consume(ctx)
	// Changes is closed once Serve returned (or ctx ended first).
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
		return <-served
	}
}

// consume applies capture records until the watcher closes its stream or
// ctx ends.
func (r *replicator) consume(ctx context.Context) {
	c := r.c
	for {
		var ch capture.Change
		var ok bool
		select {
		case <-ctx.Done():
			return
		case ch, ok = <-r.w.Changes():
		default:
			// The burst is over: resend the times of directories whose
			// entries changed, then wait for the next record.
			r.flushDirs()
			c.st.update(func(s *Status) {
				if s.ReplicationStatus == ReplReplicating {
					s.ReplicationStatus = ReplReady
				}
			})
			select {
			case <-ctx.Done():
				return
			case ch, ok = <-r.w.Changes():
			}
		}
		if !ok {
			return
		}
		c.st.update(func(s *Status) {
			if s.ReplicationStatus == ReplReady || s.ReplicationStatus == ReplPending {
				s.ReplicationStatus = ReplReplicating
			}
		})
		r.apply(ctx, ch)
	}
}

// captureFailed shows and raises a capture that stopped: nothing changed
// under the source path reaches the target until it is back.
func (r *replicator) captureFailed(err error) {
	c := r.c
	if err == nil {
		err = errors.New("capture ended")
	}
	why := "replication stopped: " + humanCause(err)
	c.captureErr.Store(&why)
	c.cfg.Log.Error("capture failed: replication stopped until the source path is back", "connection", c.cfg.ID,
		"path", c.cfg.Set.Root(), "err", err)
	c.st.update(func(s *Status) {
		s.ReplicationStatus = ReplFailed
		s.LastError = why
	})
	c.setDataState(DataMirrorRequired)
	c.raise(catalog.EventDoubleTake4070, strconv.Itoa(c.cfg.ID))
	c.raise(catalog.EventDoubleTake4025, c.ctxArgs()...)
}

// restartCapture waits until the source path can be watched again and
// starts a new watcher; false when ctx ended first.
func (r *replicator) restartCapture(ctx context.Context) bool {
	t := time.NewTicker(capturePoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
		if err := r.start(); err == nil {
			return true
		}
	}
}

func (r *replicator) count(res result) {
	r.c.cnt.repOps.Add(res.ops)
	r.c.cnt.repBytes.Add(res.bytes)
}

func (r *replicator) apply(ctx context.Context, ch capture.Change) {
	c := r.c
	switch ch.Kind {
	case capture.Create, capture.Write, capture.Chmod:
		res, err := c.b.syncPath(ch.Path, false, false, nil, false)
		r.count(res)
		switch {
		case errors.Is(err, errVanished):
			r.vanished[ch.Path] = struct{}{}
		case err != nil:
			c.cnt.failedRep.Add(1)
			c.cfg.Log.Warn("replication read failed", "path", ch.Path, "err", err)
		default:
			c.cfg.Source.SetText(catalog.StatLastFileTouched, ch.Path)
		}
		if ch.Kind == capture.Create {
			r.dirty[parentOf(ch.Path)] = struct{}{}
		}
	case capture.Remove:
		r.count(c.b.remove(ch.Path, ch.IsDir))
		delete(r.vanished, ch.Path)
		r.dirty[parentOf(ch.Path)] = struct{}{}
		c.cfg.Source.SetText(catalog.StatLastFileTouched, ch.Path)
	case capture.Rename:
		if _, never := r.vanished[ch.OldPath]; never {
			// Replication never sent the old name (it was gone when its
			// record was read), though a mirror may have: remove it on the
			// target (a no-op if absent) and create the new name.
			delete(r.vanished, ch.OldPath)
			r.count(c.b.remove(ch.OldPath, ch.IsDir))
			res, err := c.b.syncPath(ch.Path, false, false, nil, false)
			r.count(res)
			if errors.Is(err, errVanished) {
				r.vanished[ch.Path] = struct{}{}
			}
			r.dirty[parentOf(ch.Path)] = struct{}{}
			return
		}
		r.count(c.b.rename(ch.OldPath, ch.Path))
		r.dirty[parentOf(ch.OldPath)] = struct{}{}
		r.dirty[parentOf(ch.Path)] = struct{}{}
		c.cfg.Source.SetText(catalog.StatLastFileTouched, ch.Path)
		// Records that named a path under the old name arrived after the
		// rename had happened: sync those paths under their new name.
		for p := range r.vanished {
			var np string
			switch {
			case p == ch.OldPath:
				np = ch.Path
			case strings.HasPrefix(p, ch.OldPath+"/"):
				np = ch.Path + p[len(ch.OldPath):]
			default:
				continue
			}
			delete(r.vanished, p)
			res, err := c.b.syncPath(np, false, false, nil, false)
			r.count(res)
			if errors.Is(err, errVanished) {
				r.vanished[np] = struct{}{}
			}
		}
	case capture.Rescan:
		// Events under Path may have been lost: the whole set after a
		// queue overflow (a difference mirror finds every change), or a
		// directory just renamed (walk it, sending what changed).
		if ch.Path == "" {
			c.RequestMirror(MirrorChecksumMode)
			return
		}
		r.rescan(ctx, ch.Path)
	}
}

// flushDirs resends the attributes (times) of directories whose entries
// changed, since creating or removing an entry changes them on the target.
func (r *replicator) flushDirs() {
	for d := range r.dirty {
		delete(r.dirty, d)
		if d == "" {
			continue
		}
		res, err := r.c.b.syncDirAttr(d)
		if err == nil {
			r.count(res)
		}
	}
	// Bound the vanished set: anything left is a path removed for good.
	if len(r.vanished) > 4096 {
		clear(r.vanished)
	}
}

// rescan walks the subtree rel and syncs every path whose state differs
// from what was last queued for it.
func (r *replicator) rescan(ctx context.Context, rel string) {
	set := r.c.cfg.Set
	root := filepath.Join(set.Root(), filepath.FromSlash(rel))
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || ctx.Err() != nil {
			return nil
		}
		sub, _ := filepath.Rel(set.Root(), p)
		sub = filepath.ToSlash(sub)
		if d.IsDir() && !set.WantDir(sub) {
			return fs.SkipDir
		}
		if !set.Matches(sub, d.IsDir()) {
			return nil
		}
		res, err := r.c.b.syncIfChanged(sub)
		r.count(res)
		if d.IsDir() {
			r.dirty[sub] = struct{}{}
		}
		if err != nil && !errors.Is(err, errVanished) {
			r.c.cnt.failedRep.Add(1)
		}
		return nil
	})
}
