package target

import (
	"context"
	"time"

	"github.com/dtrep/dtrep/engine/wire"
)

// handler is the target's wire.TargetHandler for one session's apply loop:
// ops are applied in order and made durable in batches, queries are
// answered in stream order (after every op sent before them).
type handler struct {
	s   *session
	ctx context.Context

	// The batch applied and not yet durable (acknowledged at commit).
	pending             bool
	batchOps, batchByte uint64
	batchStart          time.Time
}

// start hands the batch applied so far to a commit: it notes what must be
// flushed (apply.StartSync) and what the acknowledgement will say.
func (h *handler) start() commitJob {
	j := commitJob{flush: h.s.a.StartSync(), seq: h.s.applied, ops: h.batchOps, bytes: h.batchByte}
	h.batchOps, h.batchByte, h.pending = 0, 0, false
	return j
}

// due says the batch should be committed even though more is buffered:
// a busy stream rarely leaves the receiver's channel empty, so this bounds
// how long applied ops wait to become durable (and acknowledged).
func (h *handler) due() bool {
	return h.batchOps >= 4096 || h.batchByte >= 64<<20 || time.Since(h.batchStart) >= maxCommitDelay
}

func (h *handler) Ops(m *wire.Ops) error {
	if err := h.s.m.waitResumed(h.ctx); err != nil {
		return err
	}
	n, b, err := h.s.applyOps(h.ctx, m)
	if err != nil {
		return err
	}
	m.Release() // applied: nothing refers to the ops' data any more
	h.batchOps += n
	h.batchByte += b
	if !h.pending {
		h.pending, h.batchStart = true, time.Now()
	}
	return nil
}

func (h *handler) StatRequest(m *wire.StatRequest) error {
	rep := &wire.StatReply{ReqID: m.ReqID, Entries: make([]wire.StatEntry, len(m.Paths))}
	for i, p := range m.Paths {
		rep.Entries[i] = stat(h.s.root, p)
	}
	return h.s.c.Send(rep)
}

func (h *handler) HashRequest(m *wire.HashRequest) error {
	rep, err := hashReply(h.s.root, m)
	return h.s.reply(m.ReqID, rep, err)
}

func (h *handler) ListRequest(m *wire.ListRequest) error {
	rep, err := listReply(h.s.root, m)
	return h.s.reply(m.ReqID, rep, err)
}

func (h *handler) ReadRequest(m *wire.ReadRequest) error {
	rep, err := readReply(h.s.root, m)
	return h.s.reply(m.ReqID, rep, err)
}

// Control takes the source's word on its copy; transmission and mirror
// pauses are the source's own and need nothing here.
func (h *handler) Control(m *wire.Control) error {
	switch m.Action {
	case wire.ControlRestoreResolved:
		h.s.restoreResolved()
	case wire.ControlMirrorStart:
		h.s.mirrorStarted()
	case wire.ControlMirrorComplete:
		h.s.mirrorEnded(true)
	case wire.ControlMirrorStop:
		h.s.mirrorEnded(false)
	}
	return nil
}
