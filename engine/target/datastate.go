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
