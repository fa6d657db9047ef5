package source

import (
	"context"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// recoveryPoll is how often a connection that owes an orphan pass looks
// whether its recovery mirror has finished.
const recoveryPoll = 250 * time.Millisecond

// retryLoop runs while connected. Every AutoRemirrorRetry seconds it
// checks whether the connection still needs a remirror (one its reconnect
// or an overflow asked for that could not start, or that a failure
// interrupted without ending the session) and starts it when no mirror
// runs; zero turns these checks off (the setting is read live). Before
// that, an orphan pass owed after a source crash or a discarded queue
// runs as soon as the mirror slot is free (see recoveryOrphans).
func (mr *mirrorer) retryLoop(ctx context.Context) {
	c := mr.c
	next := time.Now()
	for sleepCtx(ctx, recoveryPoll) {
		if c.mir.busy() {
			continue
		}
		if c.dq.orphans.Load() {
			c.mir.recoveryOrphans(ctx)
			continue
		}
		every := time.Duration(c.cfg.Settings.Int(catalog.SettingAutoRemirrorRetry)) * time.Second
		if every <= 0 || time.Now().Before(next) {
			continue
		}
		next = time.Now().Add(every)
		if mode := c.mir.need.Swap("").(string); mode != "" {
			c.cfg.Log.Info("remirror still needed: starting it", "connection", c.cfg.ID, "mode", mode)
			c.mir.start(mode)
		}
	}
}

// forSession is the mirror a new session starts with: the one needed,
// unless an orphan pass is owed first; remirrorRetry starts the mirror
// after it then.
func (mr *mirrorer) forSession() string {
	c := mr.c
	if c.dq.orphans.Load() {
		return ""
	}
	return c.mir.need.Swap("").(string)
}

func (mr *mirrorer) busy() bool {
	c := mr.c
	c.mir.ctl.mu.Lock()
	defer c.mir.ctl.mu.Unlock()
	return c.mir.ctl.running
}

// recoveryOrphans removes orphans, then starts the remirror, after a
// source crash or a discarded queue: changes lost there include removals
// and renames, whose old names only the target still has, and a mirror
// only sends what the source has. The orphans go first so the mirror that
// follows also resends the times of the directories they were removed
// from. The pass is owed again if it fails.
func (mr *mirrorer) recoveryOrphans(ctx context.Context) {
	c := mr.c
	c.dq.orphans.Store(false)
	err := c.ops.start(actOrphans, func(ctx context.Context, s *session) error {
		if _, err := c.ops.removeOrphans(ctx, s, true, nil); err != nil {
			return err
		}
		return c.waitAckedSeq(ctx, s, c.lastQueued())
	}, func(err error) {
		if err != nil {
			c.dq.orphans.Store(true)
			return
		}
		if mode := c.mir.need.Swap("").(string); mode != "" {
			c.mir.start(mode)
		}
	})
	if err != nil {
		c.dq.orphans.Store(true)
		return
	}
	c.cfg.Log.Info("removing orphans before the recovery remirror", "connection", c.cfg.ID)
}
