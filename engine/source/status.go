package source

import (
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/status"
	"github.com/dtrep/dtrep/engine/wire"
)

// conState bits and status words: engine/status holds them; the source
// names them for its own use.
const (
	ConNone      = status.ConNone
	ConActive    = status.ConActive
	ConPaused    = status.ConPaused
	ConScheduled = status.ConScheduled
	ConError     = status.ConError

	TransmitActive    = status.TransmitActive
	TransmitPaused    = status.TransmitPaused
	TransmitScheduled = status.TransmitScheduled
	TransmitStopped   = status.TransmitStopped
	TransmitError     = status.TransmitError

	MirrorCalculating = status.MirrorCalculating
	MirrorInProgress  = status.MirrorInProgress
	MirrorWaiting     = status.MirrorWaiting
	MirrorIdle        = status.MirrorIdle
	MirrorPausedWord  = status.MirrorPaused
	MirrorStopped     = status.MirrorStopped

	ReplReplicating = status.ReplicationReplicating
	ReplReady       = status.ReplicationReady
	ReplPending     = status.ReplicationPending
	ReplStopped     = status.ReplicationStopped
	ReplFailed      = status.ReplicationFailed // capture stopped: no changes reach the queue

	DataOK             = status.TargetDataOK
	DataMirroring      = status.TargetDataMirroring
	DataMirrorRequired = status.TargetDataMirrorRequired
	DataUnknown        = status.TargetDataUnknown
)

// Status is a connection's state as the service view shows it.
type Status struct {
	ConState          int
	TransmitMode      string
	MirrorStatus      string
	MirrorPercent     float64
	MirrorRemaining   int64
	ReplicationStatus string
	TargetDataState   string
	ConnectedSince    time.Time
	LastError         string
	// ChangeCapture says which kernel interface captures the set's changes
	// ("fanotify" or "inotify"), and why capture fell back to inotify.
	ChangeCapture string
}

// state guards a connection's status; every transition goes through it so
// the status words and counters never disagree.
type state struct {
	mu sync.Mutex
	s  Status
}

func (st *state) get() Status {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s
}

func (st *state) update(f func(*Status)) {
	st.mu.Lock()
	f(&st.s)
	st.mu.Unlock()
}

// setDataState changes the Target data state and tells the target, whose
// entry then shows the same word. OK only ends a mirror in progress: it
// never hides a Mirror Required or Restore Required.
func (c *Connection) setDataState(word string) {
	changed := false
	c.st.update(func(s *Status) {
		if word == DataOK && s.TargetDataState != DataMirroring {
			return
		}
		changed = s.TargetDataState != word
		s.TargetDataState = word
	})
	if s := c.sess.Load(); s != nil && changed {
		tellDataState(s, word)
	}
}

// tellDataState sends the target the control that sets its data state to
// word (nothing for the words only the source decides).
func tellDataState(s *session, word string) {
	var a wire.ControlAction
	switch word {
	case DataMirroring:
		a = wire.ControlMirrorStart
	case DataOK:
		a = wire.ControlMirrorComplete
	case DataMirrorRequired:
		a = wire.ControlMirrorStop
	default:
		return
	}
	// A failed send ends the session; its loops report that.
	_ = s.c.Send(&wire.Control{Action: a})
}
