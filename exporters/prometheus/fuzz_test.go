package prometheus

import (
	"strings"
	"testing"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/dtrep/dtrep/engine/status"
)

// Label values carry names users and remote sources chose (job, replication
// set, a source's server name from its Hello) and status words: whatever
// their bytes, a scrape must succeed and parse back, with valid UTF-8
// labels.
func FuzzLabelValues(f *testing.F) {
	f.Add("web", "web-set", "alpha", "OK")
	f.Add("caf\xe9", "set\x00", "\xff\xfe", "Mirror\nRequired")
	f.Add(`a"b\c`, "{x=\"1\"}", "", "")
	f.Fuzz(func(t *testing.T, job, set, source, word string) {
		eng := newFakeEngine(t)
		eng.reg.AddConnection(1, map[string]string{"job": job, "replication_set": set, "target": source})
		eng.reg.Target(source)
		eng.statuses = status.Snapshot{
			Connections: []status.Connection{{ConnectionID: 1, TransmitMode: word, MirrorStatus: word,
				ReplicationStatus: word, TargetDataState: word}},
			Targets: []status.TargetEntry{
				{Peer: source, SourceName: source, ReplicationSet: set, ConnectionID: 1,
					TargetDataState: word, TargetStatus: word},
				{Peer: source, SourceName: source + "\xff", ReplicationSet: set, ConnectionID: 1,
					TargetDataState: word, TargetStatus: word},
			},
		}
		e := newTestExporter(t, eng, Options{})
		// client_golang's own checks (valid UTF-8, unique series) pass.
		if _, err := (prom.Gatherers{e.Gatherer()}).Gather(); err != nil {
			t.Fatal(err)
		}
		text := scrape(t, e)
		p := expfmt.NewTextParser(model.UTF8Validation)
		fams, err := p.TextToMetricFamilies(strings.NewReader(text))
		if err != nil {
			t.Fatalf("exposition does not parse: %v", err)
		}
		if fams["dtrep_connection_sent_bytes_total"] == nil || (word != "" && fams["dtrep_target_connection_status"] == nil) {
			t.Fatal("series missing")
		}
	})
}
