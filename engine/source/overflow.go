package source

import (
	"context"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/queue"
	"github.com/dtrep/dtrep/engine/status"
	"github.com/dtrep/dtrep/engine/wire"
)

// ReplOutOfMemory is the Replication Status while the queue, out of
// replication memory, drops operations until the auto-disconnect frees it.
const ReplOutOfMemory = status.ReplicationOutOfMemory

// diskQueueState is what the connection keeps about its queue beyond the
// queue itself.
type diskQueueState struct {
	c *Connection
	// damaged: the journal lost operations to damage when it was opened.
	damaged bool
	// orphans: changes were lost (a crash, damage, a discarded queue), so
	// once the recovery mirror is done an orphan pass is owed.
	orphans atomic.Bool
	// why is the pending overflow (a queue.Overflow), 0 when none; ch
	// tells the session about it.
	why atomic.Int32
	ch  chan struct{}
}

// overflowError fails the session when the queue overflows.
type overflowError struct{ why queue.Overflow }

func (e overflowError) Error() string { return e.why.String() }

// init opens the queue and takes its epoch; the statistics are
// bound here too since they read the queue.
func (d *diskQueueState) init() {
	c := d.c
	c.dq.ch = make(chan struct{}, 1)
	c.q = c.dq.open()
	c.epoch = c.q.Epoch()
	if c.q.NextSeq() > 1 {
		// Recovered: sequences up to the reservation may be on the target
		// without an op here. A marker makes the last queued sequence a
		// real op again, so waiting for it to be acknowledged ends.
		c.q.Push(&wire.Op{Kind: wire.OpMark, Path: "queue-recovered", UID: -1, GID: -1})
	}
	if c.dq.damaged {
		// Operations were lost before they reached the target.
		if mode := remirrorMode(c.cfg.Settings.Int(catalog.SettingAutoRemirror)); mode != "" && c.mir.need.Load().(string) == "" {
			c.mir.need.Store(mode)
		}
		c.st.update(func(s *Status) { s.TargetDataState = DataMirrorRequired })
	}
	c.dq.bindCounters()
}

// onOverflow is the queue's OnOverflow: it runs on the goroutine that
// pushed, so it only records the overflow, marks replication out of memory
// (event 8196) when memory ran out, and wakes the session.
func (d *diskQueueState) onOverflow(why queue.Overflow) {
	c := d.c
	if !c.dq.why.CompareAndSwap(0, int32(why)) {
		return
	}
	if why.Memory() {
		c.st.update(func(s *Status) { s.ReplicationStatus = ReplOutOfMemory })
		c.cfg.Hub.Raise(catalog.EventRepDrv8196, events.Context{ConnID: c.cfg.ID, Job: c.cfg.Job,
			RepSet: c.cfg.Set.Name(), Peer: c.cfg.Target})
	}
	select {
	case c.dq.ch <- struct{}{}:
	default:
	}
}

// recover finishes the auto-disconnect an overflow started: the
// queue is discarded (its operations will never reach the target, so the
// target needs the remirror AutoRemirror asks for at the reconnect). raise
// says whether events 4007 and 4008 are still to be raised (they are not
// when a session just failed for this overflow). It reports whether there
// was an overflow.
func (d *diskQueueState) recover(raise bool) bool {
	c := d.c
	why := queue.Overflow(c.dq.why.Load())
	if why == queue.OverflowNone {
		return false
	}
	if raise {
		c.cnt.autoDis.Add(1)
		c.raise(catalog.EventDoubleTake4007, append(c.ctxArgs(), why.String())...)
		c.raise(catalog.EventDoubleTake4008, c.ctxArgs()...)
	}
	n := c.q.Reset()
	c.dq.why.Store(0)
	c.cfg.Log.Warn("source queue discarded after overflow", "connection", c.cfg.ID, "reason", why.String(),
		"operations", n)
	c.st.update(func(s *Status) { s.TargetDataState = DataMirrorRequired })
	c.dq.orphans.Store(true)
	return true
}

// waitSession waits until the session ends, ending it when ctx ends or
// the queue overflows.
func (d *diskQueueState) waitSession(ctx context.Context, s *session) {
	c := d.c
	for {
		if err := c.dq.overflowed(); err != nil {
			s.fail(err)
		}
		select {
		case <-s.done:
			return
		case <-ctx.Done():
			s.fail(ctx.Err())
			return
		case <-c.dq.ch:
		}
	}
}

// overflowed is the overflow the session must end for, if any.
func (d *diskQueueState) overflowed() error {
	c := d.c
	if why := queue.Overflow(c.dq.why.Load()); why != queue.OverflowNone {
		return overflowError{why}
	}
	return nil
}

// sessionStarted clears what only lasts until a reconnect succeeds.
func (d *diskQueueState) sessionStarted() {
	c := d.c
	c.st.update(func(s *Status) {
		// Connected, with capture running: replication is Ready until
		// the next change makes it Replicating.
		if s.ReplicationStatus == ReplOutOfMemory || s.ReplicationStatus == ReplPending {
			s.ReplicationStatus = ReplReady
		}
	})
}
