package prometheus

import (
	"context"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// fullStatusOptions reports status words for connections 1 and 2 and two
// target entries (one listed twice, as during a reconnect).
func fullStatusOptions() Options {
	return Options{
		ConnectionStatuses: func(context.Context) ([]ConnectionStatus, error) {
			return []ConnectionStatus{
				{ConnectionID: 1, TransmitMode: "Active", MirrorStatus: "In Progress",
					ReplicationStatus: "Replicating", TargetDataState: "Mirroring"},
				{ConnectionID: 2, TransmitMode: "Error", MirrorStatus: "Idle",
					ReplicationStatus: "Out of Memory", TargetDataState: "Restore Required"},
			}, nil
		},
		TargetEntries: func(context.Context) ([]TargetEntry, error) {
			return []TargetEntry{
				{Peer: "10.0.0.1", SourceName: "alpha", ReplicationSet: "web-set", ConnectionID: 1,
					TargetDataState: "OK", TargetStatus: "Retrying"},
				{Peer: "10.0.0.1", SourceName: "alpha", ReplicationSet: "web-set", ConnectionID: 1,
					TargetDataState: "Mirror Required", TargetStatus: "OK"},
				{Peer: "10.0.0.9", SourceName: "beta", ReplicationSet: "db-set", ConnectionID: 3,
					TargetDataState: "Resyncing", TargetStatus: "Paused"},
			}, nil
		},
	}
}

func TestConnectionStateSets(t *testing.T) {
	eng := newFakeEngine(t)
	eng.addConnection(1, "web").Counter(catalog.StatConState).Store(1)
	eng.addConnection(2, "db").Counter(catalog.StatConState).Store(12) // Scheduled and Error
	eng.addConnection(3, "new")                                        // conState 0, not listed yet
	mfs := gather(t, newTestExporter(t, eng, fullStatusOptions()))

	type want struct {
		family, conn, state string
		v                   float64
	}
	for _, w := range []want{
		{"dtrep_connection_state_flag", "1", "Active", 1},
		{"dtrep_connection_state_flag", "1", "None", 0},
		{"dtrep_connection_state_flag", "2", "Scheduled", 1},
		{"dtrep_connection_state_flag", "2", "Error", 1},
		{"dtrep_connection_state_flag", "2", "Active", 0},
		{"dtrep_connection_state_flag", "3", "None", 1},
		{"dtrep_connection_transmit_mode", "1", "Active", 1},
		{"dtrep_connection_transmit_mode", "1", "Error", 0},
		{"dtrep_connection_transmit_mode", "2", "Error", 1},
		{"dtrep_connection_mirror_status", "1", "In Progress", 1},
		{"dtrep_connection_mirror_status", "1", "Idle", 0},
		{"dtrep_connection_replication_status", "2", "Out of Memory", 1},
		{"dtrep_connection_target_data_state", "2", "Restore Required", 1},
		{"dtrep_connection_target_data_state", "2", "OK", 0},
	} {
		got := mustSample(t, mfs, w.family, map[string]string{"connection_id": w.conn, "state": w.state})
		if got != w.v {
			t.Errorf("%s{connection_id=%s,state=%q} = %v, want %v", w.family, w.conn, w.state, got, w.v)
		}
	}
	// Every word of the enumeration is present, exactly one is 1.
	ones, n := 0, 0
	for _, m := range mfs["dtrep_connection_mirror_status"].Metric {
		for _, lp := range m.Label {
			if lp.GetName() == "connection_id" && lp.GetValue() == "1" {
				n++
				if m.Gauge.GetValue() == 1 {
					ones++
				}
			}
		}
	}
	if want := len(mustEnum(t, eng, "Mirror Status")); n != want || ones != 1 {
		t.Errorf("connection 1 mirror status: %d series (want %d), %d set (want 1)", n, want, ones)
	}
	if _, ok := sample(mfs, "dtrep_connection_transmit_mode", map[string]string{"connection_id": "3"}); ok {
		t.Error("status words served for a connection the job list does not have")
	}
}

func TestTargetEntryStateSets(t *testing.T) {
	eng := newFakeEngine(t)
	mfs := gather(t, newTestExporter(t, eng, fullStatusOptions()))
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
	if v := mustSample(t, mfs, "dtrep_target_connection_data_state", with("Mirror Required")); v != 0 {
		t.Errorf("second entry's Mirror Required = %v", v)
	}
	// A word the enumeration lacks gets its own series.
	if v := mustSample(t, mfs, "dtrep_target_connection_data_state", map[string]string{"source_name": "beta", "state": "Resyncing"}); v != 1 {
		t.Errorf("unknown word = %v", v)
	}
}

func mustEnum(t *testing.T, eng *fakeEngine, name string) []string {
	t.Helper()
	e, ok := eng.cat.Enum(name)
	if !ok {
		t.Fatalf("no enum %s", name)
	}
	var out []string
	for _, v := range e.Values {
		out = append(out, v.Name)
	}
	return out
}
