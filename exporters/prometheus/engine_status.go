package prometheus

import (
	"context"
	"net"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/target"
	"github.com/dtrep/dtrep/exporters"
)

// The exporters.Engine interface carries counters and events only. The
// status words and the hub's own counters come from the optional methods
// below, which *server.Server has; an engine without them simply serves no
// state sets (or hub counters).
type (
	jobLister interface {
		ListJobs(context.Context) ([]mgmt.JobStatus, error)
	}
	targetModule interface {
		Target() *target.Module
	}
	hubOwner interface {
		Hub() *events.Hub
	}
)

// connectionStatusesOf returns a reader of the engine's job statuses, or
// nil when the engine cannot list jobs.
func connectionStatusesOf(eng exporters.Engine) func(context.Context) ([]ConnectionStatus, error) {
	jl, ok := eng.(jobLister)
	if !ok {
		return nil
	}
	return func(ctx context.Context) ([]ConnectionStatus, error) {
		jobs, err := jl.ListJobs(ctx)
		if err != nil {
			return nil, err
		}
		out := make([]ConnectionStatus, 0, len(jobs))
		for _, j := range jobs {
			if j.ConnectionID == 0 { // stopped: no connection, no block
				continue
			}
			out = append(out, ConnectionStatus{ConnectionID: j.ConnectionID, TransmitMode: j.TransmitMode,
				MirrorStatus: j.MirrorStatus, ReplicationStatus: j.ReplicationStatus,
				TargetDataState: j.TargetDataState})
		}
		return out, nil
	}
}

// targetEntriesOf returns a reader of the engine's target entries, or nil.
func targetEntriesOf(eng exporters.Engine) func(context.Context) ([]TargetEntry, error) {
	tm, ok := eng.(targetModule)
	if !ok {
		return nil
	}
	return func(context.Context) ([]TargetEntry, error) {
		m := tm.Target()
		if m == nil {
			return nil, nil
		}
		es := m.Entries()
		out := make([]TargetEntry, 0, len(es))
		for _, e := range es {
			out = append(out, TargetEntry{Peer: hostOf(e.SourceAddress), SourceName: e.SourceName,
				ReplicationSet: e.ReplicationSet, ConnectionID: e.ConnectionID,
				TargetDataState: e.TargetDataState, TargetStatus: e.TargetStatus})
		}
		return out, nil
	}
}

// hubStatsOf returns a reader of the engine hub's counters, or nil.
func hubStatsOf(eng exporters.Engine) func() events.HubStats {
	h, ok := eng.(hubOwner)
	if !ok {
		return nil
	}
	return func() events.HubStats { return h.Hub().Stats() }
}

// hostOf strips the port, as the target does for its blocks' peer label.
func hostOf(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}
