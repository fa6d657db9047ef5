package prometheus

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/status"
)

// fullStatus reports status words for connections 1 and 2 and three
// target entries (one connection listed twice, as during a reconnect).
func fullStatus() status.Snapshot {
	return status.Snapshot{
		Connections: []status.Connection{
			{ConnectionID: 1, TransmitMode: "Active", MirrorStatus: "In Progress",
				ReplicationStatus: "Replicating", TargetDataState: "Mirroring"},
			{ConnectionID: 2, TransmitMode: "Error", MirrorStatus: "Idle",
				ReplicationStatus: "Out of Memory", TargetDataState: "Restore Required"},
		},
		Targets: []status.TargetEntry{
			{Peer: "10.0.0.1", SourceName: "alpha", ReplicationSet: "web-set", ConnectionID: 1,
				TargetDataState: "OK", TargetStatus: "Retrying"},
			{Peer: "10.0.0.1", SourceName: "alpha", ReplicationSet: "web-set", ConnectionID: 1,
				TargetDataState: "Mirror Required", TargetStatus: "OK"},
			{Peer: "10.0.0.9", SourceName: "beta", ReplicationSet: "db-set", ConnectionID: 3,
				TargetDataState: "Resyncing", TargetStatus: "Paused"},
		},
	}
}

func TestConnectionStateSets(t *testing.T) {
	eng := newFakeEngine(t)
	eng.addConnection(1, "web").Counter(catalog.StatConState).Store(1)
	eng.addConnection(2, "db").Counter(catalog.StatConState).Store(12) // Scheduled and Error
	eng.addConnection(3, "new")                                        // conState 0, not listed yet
	eng.statuses = fullStatus()
	mfs := gather(t, newTestExporter(t, eng, Options{}))

	type want struct {
		family, conn, state string
		v                   float64
	}
	for _, w := range []want{
		{"dtrep_connection_state_flag", "1", "Active", 1},
		{"dtrep_connection_state_flag", "2", "Scheduled", 1},
		{"dtrep_connection_state_flag", "2", "Error", 1},
		{"dtrep_connection_state_flag", "3", "None", 1},
		{"dtrep_connection_transmit_mode", "1", "Active", 1},
		{"dtrep_connection_transmit_mode", "2", "Error", 1},
		{"dtrep_connection_mirror_status", "1", "In Progress", 1},
		{"dtrep_connection_replication_status", "2", "Out of Memory", 1},
		{"dtrep_connection_target_data_state", "2", "Restore Required", 1},
	} {
		got := mustSample(t, mfs, w.family, map[string]string{"connection_id": w.conn, "state": w.state})
		if got != w.v {
			t.Errorf("%s{connection_id=%s,state=%q} = %v, want %v", w.family, w.conn, w.state, got, w.v)
		}
	}
	// Only the current word (or set flag) has a series: the other words
	// of the enumeration are not sent.
	for _, f := range []struct {
		family, conn string
		want         int
	}{
		{"dtrep_connection_state_flag", "1", 1}, {"dtrep_connection_state_flag", "2", 2},
		{"dtrep_connection_state_flag", "3", 1}, {"dtrep_connection_mirror_status", "1", 1},
		{"dtrep_connection_target_data_state", "2", 1},
	} {
		if n := len(matching(mfs, f.family, map[string]string{"connection_id": f.conn})); n != f.want {
			t.Errorf("%s{connection_id=%s}: %d series, want %d", f.family, f.conn, n, f.want)
		}
	}
	if _, ok := sample(mfs, "dtrep_connection_transmit_mode", map[string]string{"connection_id": "3"}); ok {
		t.Error("status words served for a connection the job list does not have")
	}
}

func TestTargetEntryStateSets(t *testing.T) {
	eng := newFakeEngine(t)
	eng.statuses = fullStatus()
	mfs := gather(t, newTestExporter(t, eng, Options{}))
	alpha := map[string]string{"peer": "10.0.0.1", "source_name": "alpha", "replication_set": "web-set",
		"connection_id": "1"}
	with := func(state string) map[string]string {
		m := map[string]string{"state": state}
		for k, v := range alpha {
			m[k] = v
		}
		return m
	}
	// The first of two entries for one connection wins.
	if v := mustSample(t, mfs, "dtrep_target_connection_status", with("Retrying")); v != 1 {
		t.Errorf("Retrying = %v", v)
	}
	if _, ok := sample(mfs, "dtrep_target_connection_data_state", with("Mirror Required")); ok {
		t.Error("second entry's Mirror Required served")
	}
	if n := len(matching(mfs, "dtrep_target_connection_data_state", alpha)); n != 1 {
		t.Errorf("connection 1's data state: %d series, want 1", n)
	}
	// A word the enumeration lacks gets its own series.
	if v := mustSample(t, mfs, "dtrep_target_connection_data_state", map[string]string{"source_name": "beta", "state": "Resyncing"}); v != 1 {
		t.Errorf("unknown word = %v", v)
	}
}
