package source

import (
	"context"
	"errors"

	"github.com/dtrep/dtrep/engine/catalog"
)

// activityKind is an operation that, like a mirror, walks the replication
// set over the session and occupies the connection's mirror slot: only one
// of mirror, verification, orphan removal and restore runs at a time, and
// the Mirror Status shows which.
type activityKind struct {
	name                             string          // for errors and logs
	word                             string          // Mirror Status while it runs
	start, pause, resume, stop, done catalog.EventID // its events
}

var (
	actVerify  = &activityKind{"verification", MirrorVerifying, catalog.EventDoubleTake4058, catalog.EventDoubleTake4059, catalog.EventDoubleTake4060, catalog.EventDoubleTake4061, catalog.EventDoubleTake4062}
	actOrphans = &activityKind{"orphan removal", MirrorRemovingOrphans, catalog.EventDoubleTake4048, catalog.EventDoubleTake4049, catalog.EventDoubleTake4050, catalog.EventDoubleTake4051, catalog.EventDoubleTake4052}
	actRestore = &activityKind{"restore", MirrorRestoring, catalog.EventDoubleTake4053, catalog.EventDoubleTake4054, catalog.EventDoubleTake4055, catalog.EventDoubleTake4056, catalog.EventDoubleTake4057}
)

// Activity names of the management API.
const (
	ActivityVerify  = "verify"
	ActivityOrphans = "orphans"
	ActivityRestore = "restore"
)

func activityByName(name string) (*activityKind, error) {
	switch name {
	case ActivityVerify:
		return actVerify, nil
	case ActivityOrphans:
		return actOrphans, nil
	case ActivityRestore:
		return actRestore, nil
	}
	return nil, catalog.Err(catalog.CodeInvalidOption, "activity %q: allowed verify, orphans, restore", name)
}

// errNotConnected refuses an activity that needs the session.
func (c *Connection) errNotConnected() error {
	return catalog.Err(catalog.CodeConnectionNotExist, "connection %d to %s is not established", c.cfg.ID, c.cfg.Target)
}

// start runs fn in the mirror slot, in the background: it raises
// the kind's start event, shows its Mirror Status, and when fn returns
// raises done (nil), stop (stopped by the user or the session ended) and
// hands the error to after, which may be nil.
func (o *opsState) start(kind *activityKind, fn func(ctx context.Context, s *session) error,
	after func(error)) error {
	c := o.c
	s := c.sess.Load()
	if s == nil {
		return c.errNotConnected()
	}
	ctx, ok := c.mir.ctl.begin(c.life.ctx)
	if !ok {
		if cur := c.ops.activity.Load(); cur != nil {
			return catalog.Err(catalog.CodeMirrorActive, "connection %d: a %s is running", c.cfg.ID, cur.name)
		}
		return catalog.Err(catalog.CodeMirrorActive, "connection %d: a mirror is running", c.cfg.ID)
	}
	c.ops.activity.Store(kind)
	// The session's end stops the activity like a user's stop.
	c.mir.ctl.endWith(ctx, s.done)
	c.raise(kind.start, c.ctxArgs()...)
	c.st.update(func(st *Status) { st.MirrorStatus = kind.word })
	c.spawnOrRun(func() {
		err := fn(ctx, s)
		if err == nil && ctx.Err() != nil {
			err = ctx.Err()
		}
		c.ops.activity.Store(nil)
		c.st.update(func(st *Status) { st.MirrorStatus = MirrorIdle })
		c.mir.ctl.end()
		if err != nil {
			c.raise(kind.stop, c.ctxArgs()...)
			c.cfg.Log.Warn(kind.name+" ended early", "connection", c.cfg.ID, "err", err)
		} else {
			c.raise(kind.done, c.ctxArgs()...)
		}
		if after != nil {
			after(err)
		}
	})
	return nil
}

// running returns the running activity of kind, or a 121 error.
func (o *opsState) running(name string) (*activityKind, error) {
	c := o.c
	kind, err := activityByName(name)
	if err != nil {
		return nil, err
	}
	if c.ops.activity.Load() != kind {
		return nil, catalog.Err(catalog.CodeMirrorNotRunning, "connection %d: no %s is running", c.cfg.ID, kind.name)
	}
	return kind, nil
}

// PauseActivity pauses the running verification, orphan removal or
// restore (events 4059, 4049, 4054).
func (c *Connection) PauseActivity(name string) error {
	kind, err := c.ops.running(name)
	if err != nil {
		return err
	}
	m := &c.mir.ctl
	m.mu.Lock()
	if !m.running || m.paused {
		m.mu.Unlock()
		return catalog.Err(catalog.CodeInvalidOption, "connection %d: the %s is already paused", c.cfg.ID, kind.name)
	}
	m.paused = true
	m.mu.Unlock()
	c.st.update(func(s *Status) { s.MirrorStatus = MirrorPausedWord })
	c.raise(kind.pause, c.ctxArgs()...)
	return nil
}

// ResumeActivity resumes a paused activity (events 4060, 4050, 4055).
func (c *Connection) ResumeActivity(name string) error {
	kind, err := c.ops.running(name)
	if err != nil {
		return err
	}
	m := &c.mir.ctl
	m.mu.Lock()
	if !m.running || !m.paused {
		m.mu.Unlock()
		return catalog.Err(catalog.CodeMirrorNotPaused, "connection %d: the %s is not paused", c.cfg.ID, kind.name)
	}
	m.paused = false
	close(m.resume)
	m.resume = make(chan struct{})
	m.mu.Unlock()
	c.st.update(func(s *Status) { s.MirrorStatus = kind.word })
	c.raise(kind.resume, c.ctxArgs()...)
	return nil
}

// StopActivity stops the running activity and returns once it has ended
// (its stop event, 4061, 4051 or 4056, is raised by then), or when ctx
// ends first with an error saying it is still stopping.
func (c *Connection) StopActivity(ctx context.Context, name string) error {
	kind, err := c.ops.running(name)
	if err != nil {
		return err
	}
	c.mir.ctl.stop()
	return c.mir.waitStopped(ctx, kind.name)
}

// stoppedByUser tells a user's stop from a failure: a failed verification
// is retried, a stopped one is not.
func stoppedByUser(err error, s *session) bool {
	return errors.Is(err, context.Canceled) && s.Err() == nil
}

// deferMirror runs a mirror the engine asked for (a rescan after lost
// events, a remirror on reconnect) once the mirror slot is free, instead of
// dropping it because a verification, orphan removal, restore or another
// mirror held the slot.
func (o *opsState) deferMirror(mode string) {
	c := o.c
	c.spawnOrRun(func() {
		c.mir.ctl.wait()
		if c.sess.Load() != nil {
			c.RequestMirror(mode)
		} else {
			c.mir.need.Store(mode)
		}
	})
}
