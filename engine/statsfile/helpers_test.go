package statsfile

import (
	"bytes"
	"io"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// sample is a snapshot with every kind of block, label and value.
func sample(i int) stats.Snapshot {
	at := time.Date(2007, 9, 11, 12, 48, 5, 204000000+i, time.UTC)
	return stats.Snapshot{
		Time:     at,
		Kernel:   stats.Instance{Scope: catalog.ScopeKernel, Values: map[string]int64{"RepOpsGenerated": 436845 + int64(i), "MirBytesGenerated": 108352749214952, "SourceState": 2}, Texts: map[string]string{"Start Time": "Tue Sep 11 12:45:26 2007"}},
		Security: stats.Instance{Scope: catalog.ScopeSecurity, Values: map[string]int64{"Logins": 1, "FailedLogins": 0}, Texts: map[string]string{}},
		Source:   stats.Instance{Scope: catalog.ScopeSource, Values: map[string]int64{"autoReConnects": 1}, Texts: map[string]string{"lastFileTouched": "/log/data file"}},
		Targets: []stats.Instance{{Scope: catalog.ScopeTarget, Key: "10.10.1.104", Labels: map[string]string{"peer": "10.10.1.104"},
			Values: map[string]int64{"Ops Received": 25, "Mirror Ops Received": 23}, Texts: map[string]string{"PeerAddress": "10.10.1.104"}}},
		Connections: []stats.Instance{{Scope: catalog.ScopeConnection, Key: "1", Labels: map[string]string{"connection_id": "1", "job": "job1"},
			Values: map[string]int64{"conBytesTx": 14952687269, "conMirrorPercent": 1000, "conState": 1, "conOpsTx": -1},
			Texts:  map[string]string{"conPeerAddress": "10.10.1.104:6320", "connectTime": "Tue Sep 11 12:45:34 2007"}}},
	}
}

func encodeFile(t testing.TB, snaps ...stats.Snapshot) []byte {
	t.Helper()
	sc := NewSchema(catalog.Must(), "alpha", time.Unix(0, 0))
	b, err := sc.marshal()
	if err != nil {
		t.Fatal(err)
	}
	out := frame(fileHeader(), b)
	for _, s := range snaps {
		out = frame(out, encodeSnapshot(nil, sc, s))
	}
	return out
}

func readAll(t testing.TB, data []byte) ([]stats.Snapshot, Health, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, Health{}, err
	}
	var out []stats.Snapshot
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out, r.Health(), nil
		}
		if err != nil {
			return out, r.Health(), err
		}
		out = append(out, s)
	}
}

func sameSnapshot(t *testing.T, got, want stats.Snapshot) {
	t.Helper()
	if !got.Time.Equal(want.Time) {
		t.Errorf("time %v, want %v", got.Time, want.Time)
	}
	gb, wb := allBlocks(got), allBlocks(want)
	if len(gb) != len(wb) {
		t.Fatalf("%d blocks, want %d", len(gb), len(wb))
	}
	for i := range wb {
		g, w := gb[i], wb[i]
		if g.Scope != w.Scope || g.Key != w.Key || !reflect.DeepEqual(g.Values, w.Values) ||
			!reflect.DeepEqual(g.Texts, w.Texts) || len(g.Labels) != len(w.Labels) {
			t.Errorf("block %d:\n got %+v\nwant %+v", i, g, w)
		}
		for k, v := range w.Labels {
			if g.Labels[k] != v {
				t.Errorf("block %d label %s = %q, want %q", i, k, g.Labels[k], v)
			}
		}
	}
}

// mapSettings is a Settings tests change while a Logger runs.
type mapSettings struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *mapSettings) set(k, v string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[k] = v
}

func (s *mapSettings) String(id catalog.SettingID) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[id.Name()]
}

func (s *mapSettings) Int(id catalog.SettingID) int64 {
	v, _ := strconv.ParseInt(s.String(id), 10, 64)
	return v
}
