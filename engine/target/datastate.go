package target

import (
	"github.com/dtrep/dtrep/engine/status"
)

// Target data states of chapter 4 that a session's entry shows (Restore
// Required, kept per replication set, is in restore.go).
const (
	DataOK             = status.TargetDataOK
	DataMirroring      = status.TargetDataMirroring
	DataMirrorRequired = status.TargetDataMirrorRequired
)

// dropped handles an op the applier discarded: the copy is Mirror Required
// until a mirror that starts after the drop completes, and the source is
// told, since only it can repair the copy (orphan removal, then a
// difference mirror).
func (s *session) dropped() {
	s.repairMu.Lock()
	defer s.repairMu.Unlock()
	s.healing.Store(false)
	s.setDataState(DataMirrorRequired, "an operation could not be applied")
	if !s.owed.Swap(true) {
		s.tellJobState()
	}
}

// mirrorStarted and mirrorEnded take the source's word on a mirror.
func (s *session) mirrorStarted() {
	s.repairMu.Lock()
	defer s.repairMu.Unlock()
	s.healing.Store(s.owed.Load())
	s.setDataState(DataMirroring, "a mirror started")
}

func (s *session) mirrorEnded(complete bool) {
	s.repairMu.Lock()
	defer s.repairMu.Unlock()
	switch {
	case !complete:
		s.healing.Store(false)
		s.setDataState(DataMirrorRequired, "a mirror was stopped before it completed")
	case s.owed.Load() && !s.healing.Load():
		// Something was dropped while this mirror ran: still owed, and
		// the source is reminded.
		s.setDataState(DataMirrorRequired, "an operation could not be applied")
		s.tellJobState()
	case s.owed.Load():
		s.owed.Store(false)
		s.healing.Store(false)
		s.setDataState(DataOK, "a mirror completed")
		s.tellJobState()
	default:
		s.setDataState(DataOK, "a mirror completed")
	}
}

// tellJobState sends the job's flags, logging a failure: the session's
// own error handling sees a broken connection.
func (s *session) tellJobState() {
	if err := s.sendJobState(); err != nil {
		s.m.cfg.Log.Warn("job state not sent", "connection", s.hello.ConnectionID, "err", err)
	}
}

// setDataState changes the session's Target data state, raising event 4065
// with why when it changes: the source tells the target how a mirror
// stands, so both ends show the same word.
func (s *session) setDataState(word, why string) {
	old, _ := s.state.Swap(word).(string)
	if old == word {
		return
	}
	s.m.cfg.Hub.Raise(eventDataState, s.ctx(), s.connID(), s.hello.ServerName,
		s.c.RemoteAddr().String(), why)
}
