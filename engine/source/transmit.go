package source

import (
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// transmitter is what a connection sends and has acknowledged: the user's
// pause of transmission, the wake-up of a paused send loop, and the
// highest sequence the target made durable. It outlives sessions.
type transmitter struct {
	c        *Connection
	paused   atomic.Bool
	resume   chan struct{} // wakes a send loop waiting while paused or held
	ackedSeq atomic.Uint64 // highest sequence the target acknowledged
}

// wake tells a waiting send loop to look again.
func (t *transmitter) wake() {
	select {
	case t.resume <- struct{}{}:
	default:
	}
}

// frameBytes bounds the payload of one Ops frame. Everything else sent on
// the session (a mirror's stat request, a control, a stop's effect) waits
// for the frame being written, so under a bandwidth limit a frame carries
// at most a quarter second of traffic: a stop or pause then takes effect
// within about a second however slow the link. Unlimited, 4 MiB.
func frameBytes(kbps int64) int64 {
	const most = 4 << 20
	if kbps <= 0 {
		return most
	}
	return min(most, max(4<<10, kbps*1000/8/4))
}

// sent updates the transmit counters after a batch left.
func (t *transmitter) sent(batch []*wire.Op) {
	c := t.c
	var mir, all int64
	for _, op := range batch {
		all += op.PayloadBytes()
		if op.Mirror {
			mir += op.PayloadBytes()
		}
	}
	c.cnt.opsTx.Add(int64(len(batch)))
	s := c.sess.Load()
	if s == nil {
		return
	}
	cn := s.c.Counters()
	raw, onWire := int64(cn.BytesSent.Load()), int64(cn.WireBytesSent.Load())
	dRaw, dWire := raw-s.lastRaw, onWire-s.lastWire
	s.lastRaw, s.lastWire = raw, onWire
	c.cnt.bytesTx.Add(dRaw)
	c.cnt.bytesCompTx.Add(dWire)
	// The service view splits sent bytes into mirror and replication: a
	// frame mixes both, so its bytes are shared by payload.
	mRaw, mWire := dRaw, dWire
	if all > 0 {
		mRaw, mWire = dRaw*mir/all, dWire*mir/all
	} else if !batch[0].Mirror {
		mRaw, mWire = 0, 0
	}
	c.cnt.sentMir.Add(mRaw)
	c.cnt.sentMirComp.Add(mWire)
	c.cnt.sentRep.Add(dRaw - mRaw)
	c.cnt.sentRepComp.Add(dWire - mWire)
}

// acked counts what the target acknowledged.
func (t *transmitter) acked(a *wire.Ack) {
	c := t.c
	c.tx.ackedSeq.Store(a.Seq)
	c.tasks.acked(a.Seq)
	c.cnt.opsRx.Add(int64(a.Ops))
	c.cnt.bytesRx.Add(int64(a.Bytes))
}

// Pause pauses transmission (events 4015; conState Paused).
func (c *Connection) Pause() error {
	if c.tx.paused.Swap(true) {
		return nil
	}
	c.st.update(func(s *Status) {
		if s.ConState == ConActive {
			s.ConState = ConPaused
			s.TransmitMode = TransmitPaused
		}
	})
	c.raise(catalog.EventDoubleTake4015)
	return nil
}

// Resume resumes transmission (event 4014).
func (c *Connection) Resume() error {
	if !c.tx.paused.Swap(false) {
		return catalog.Err(catalog.CodeConnectionNotPaused, "connection %d", c.cfg.ID)
	}
	c.tx.wake()
	c.st.update(func(s *Status) {
		if s.ConState == ConPaused {
			s.ConState = ConActive
			s.TransmitMode = TransmitActive
		}
	})
	c.raise(catalog.EventDoubleTake4014)
	return nil
}
