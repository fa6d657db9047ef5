package source

import (
	"fmt"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// eventRestoreRequired: "%1, however, mirroring and replication have been
// disabled as a restore is required due to a previous failover."
const eventRestoreRequired = catalog.EventDoubleTake4018

// jobState takes the target's standing facts about the job. While the
// target's copy is Restore Required the target discards mirror and
// replication ops rather than let the source overwrite it, so the
// connection says so (4018) and shows Restore Required until a restore or
// a user's remirror resolves it.
//
// When the target clears the state without this source having asked (the
// failover was undone on the target), the copy is handed back as it was
// left: it missed every op the target discarded and may hold changes made
// while it was live. The source then owes it an orphan pass and a
// difference mirror, which make it the source's copy again.
func (c *Connection) jobState(m *wire.JobState) {
	req := m.Flags&wire.JobRestoreRequired != 0
	was := c.ops.restoreReq.Swap(req)
	switch {
	case req && !was:
		a := c.ctxArgs()
		c.raise(eventRestoreRequired, fmt.Sprintf("Connection %s to %s (%s) for Replication Set %s is established",
			a[3], a[0], a[1], a[2]))
	case !req && was && c.ops.resolving.Swap(false):
		c.cfg.Log.Info("the target no longer requires a restore", "connection", c.cfg.ID)
	case !req && was:
		c.cfg.Log.Info("the target's copy was handed back (failover undone): removing orphans, then a checksum mirror",
			"connection", c.cfg.ID)
		// Checksums, not sizes and times: the copy may hold changes made
		// while it was live, and a file whose data op was discarded while
		// its length and times arrived after the hand-back has the
		// source's size and mtime over other bytes.
		c.oweRepair(MirrorChecksumMode)
	}
	// The target discarded an operation (4150): a rename or delete it
	// could not apply leaves names only it has, so a mirror alone would
	// not repair its copy.
	// Discards while Restore Required are the target's policy, and the
	// restore or the hand-back repairs the copy.
	if m.Flags&wire.JobMirrorRequired != 0 && !req && !c.dq.orphans.Load() {
		c.cfg.Log.Warn("the target could not apply an operation: removing orphans, then a difference mirror",
			"connection", c.cfg.ID)
		c.oweRepair(MirrorDiffMode)
	}
}

// oweRepair makes the target's copy the source's again once the mirror
// slot is free: orphan removal, then a mirror of the given mode
// (remirror.go).
func (c *Connection) oweRepair(mode string) {
	c.st.update(func(s *Status) { s.TargetDataState = DataMirrorRequired })
	if need := c.mir.need.Load().(string); need == "" || (need == MirrorDiffMode && mode == MirrorChecksumMode) {
		c.mir.need.Store(mode)
	}
	c.dq.orphans.Store(true)
}
