package server

import (
	"net"
	"sort"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/source"
	"github.com/dtrep/dtrep/engine/status"
)

// Status lists the status words of every running connection (by ID) and
// every target connection entry: what the exporters read beside the
// statistics. Each connection's words are read under its own lock; no
// counters are copied.
func (s *Server) Status() status.Snapshot {
	type running struct {
		id int
		c  *source.Connection
	}
	s.mu.Lock()
	conns := make([]running, 0, len(s.jobs))
	for _, j := range s.jobs {
		if j.conn != nil {
			conns = append(conns, running{j.connID, j.conn})
		}
	}
	s.mu.Unlock()
	sort.Slice(conns, func(i, k int) bool { return conns[i].id < conns[k].id })
	var out status.Snapshot
	out.Connections = make([]status.Connection, 0, len(conns))
	for _, r := range conns {
		cs := r.c.Status()
		out.Connections = append(out.Connections, status.Connection{ConnectionID: r.id,
			TransmitMode: cs.TransmitMode, MirrorStatus: cs.MirrorStatus,
			ReplicationStatus: cs.ReplicationStatus, TargetDataState: cs.TargetDataState})
	}
	if s.target == nil {
		return out
	}
	es := s.target.Entries()
	out.Targets = make([]status.TargetEntry, 0, len(es))
	for _, e := range es {
		peer := e.SourceAddress
		if h, _, err := net.SplitHostPort(peer); err == nil {
			peer = h
		}
		out.Targets = append(out.Targets, status.TargetEntry{Peer: peer, SourceName: e.SourceName,
			ReplicationSet: e.ReplicationSet, ConnectionID: e.ConnectionID,
			TargetDataState: e.TargetDataState, TargetStatus: e.TargetStatus})
	}
	return out
}

// HubStats are the event hub's own counters.
func (s *Server) HubStats() events.HubStats { return s.hub.Stats() }
