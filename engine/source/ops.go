package source

import (
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/status"
)

// Status words of chapter 4 beyond the mirror's own.
const (
	MirrorRemovingOrphans = status.MirrorRemovingOrphans
	MirrorVerifying       = status.MirrorVerifying
	MirrorRestoring       = status.MirrorRestoring

	DataRestoreRequired = status.TargetDataRestoreRequired
)

// opsState is what the operations beyond mirroring and replication keep on
// a connection: the target's Restore Required flag and the running
// verification, orphan removal or restore.
type opsState struct {
	c *Connection

	restoreReq atomic.Bool // the target's copy is authoritative (Restore Required)
	resolving  atomic.Bool // this source told the target the copies agree (restore, user remirror)

	activity atomic.Pointer[activityKind] // running activity; nil when a mirror or nothing runs

	stopped atomic.Bool // Run returned: nothing new starts
}

func (c *Connection) initOps() {
	c.tasks.init(c.cfg.Stats)
	c.sched.init(c.cfg.BandwidthKbps)
}

// bandwidth is the limit in effect, in Kbps (0 Unlimited).
func (c *Connection) bandwidth() int64 { return c.sched.bandwidth.Load() }

// overlay applies the schedule and the target's state to the status words:
// transmission held by the schedule is Scheduled (conState 4, 12 with an
// error; Paused by the user stays Paused), and a target whose copy must be
// restored shows Restore Required whatever a mirror last set.
func (c *Connection) overlay(s Status) Status {
	if c.ops.restoreReq.Load() {
		s.TargetDataState = DataRestoreRequired
	}
	// A failed capture is an error of the connection whatever the
	// session does (only Scheduled combines with Error).
	if why := c.captureErr.Load(); why != nil {
		s.ConState = ConError
		s.LastError = *why
	}
	// Without a session nothing is being replicated to the target, and
	// the source cannot tell how the target's copy stands.
	if s.ConState&ConError != 0 && s.ConnectedSince.IsZero() {
		switch s.ReplicationStatus {
		case ReplReady, ReplReplicating:
			s.ReplicationStatus = ReplPending
		}
		if s.TargetDataState == DataOK || s.TargetDataState == DataMirroring {
			s.TargetDataState = DataUnknown
		}
	}
	if c.sched.held.Load() {
		switch s.ConState {
		case ConActive:
			s.ConState, s.TransmitMode = ConScheduled, TransmitScheduled
		case ConError:
			s.ConState = ConScheduled | ConError
		}
	}
	return s
}

// RestoreRequired reports the target's Restore Required flag.
func (c *Connection) RestoreRequired() bool { return c.ops.restoreReq.Load() }

// stop ends what outlives sessions when the connection stops: a pending
// verification retry, and tasks that will now never run (4201).
func (o *opsState) stop() {
	c := o.c
	c.ops.stopped.Store(true)
	c.ver.cancelRetry()
	c.tasks.discard()
}
