package target

import "github.com/dtrep/dtrep/engine/catalog"

// ClearRestore hands the copy of set back to its source after a failover
// is undone: the copy stops being the authoritative one, its sources are
// told and replicate into it again; a difference mirror from the source
// then overwrites what changed in the copy while it was live.
func (m *Module) ClearRestore(set string) error {
	if set == "" {
		return catalog.Err(catalog.CodeInvalidParameter, "replication set name is empty")
	}
	if err := m.restore.put(set, false); err != nil {
		return err
	}
	m.notifyJobState(set, "the failover was undone")
	return nil
}

// Heard counts the frames received so far from the sessions of set's
// sources (data and keep-alives). A failover monitor compares two counts:
// a change means the source spoke in between.
func (m *Module) Heard(set string) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n uint64
	for s := range m.conns {
		if s.hello.SetName == set {
			n += s.c.Counters().FramesRecv.Load()
		}
	}
	return n
}
