package elasticsearch

import (
	"encoding/json"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// decoded is the part of an event document the tests read.
type decoded struct {
	Timestamp string `json:"@timestamp"`
	Message   string `json:"message"`
	Event     struct {
		Kind, Code, Provider, Dataset, Start string
		Severity                             int
		Duration                             int64
	} `json:"event"`
	Log   struct{ Level string } `json:"log"`
	Host  struct{ Name string }  `json:"host"`
	Dtrep struct {
		Event struct {
			ID               int               `json:"id"`
			Level            string            `json:"level"`
			InsertionStrings []string          `json:"insertion_strings"`
			Params           map[string]string `json:"params"`
			RequiredAction   string            `json:"required_action"`
		} `json:"event"`
		Connection     struct{ ID int }      `json:"connection"`
		Job            struct{ Name string } `json:"job"`
		ReplicationSet struct{ Name string } `json:"replication_set"`
		Peer           string                `json:"peer"`
	} `json:"dtrep"`
}

func decode(t *testing.T, body []byte) decoded {
	t.Helper()
	var d decoded
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return d
}

func TestEventDocument(t *testing.T) {
	cat := catalog.Must()
	docs := sampleEventDocs(newDocBuilder(cat, "src1", "default"))
	d := decode(t, docs[1]) // 4007, auto-disconnect
	ce, _ := cat.Event(events.SourceEngine, 4007)
	if d.Timestamp != "2025-03-04T05:06:07.89Z" || d.Event.Code != "4007" || d.Event.Provider != "Double-Take" ||
		d.Event.Kind != "event" || d.Event.Dataset != "dtrep.events" || d.Event.Severity != 4 ||
		d.Log.Level != "warning" || d.Host.Name != "src1" || d.Dtrep.Event.Level != "Warning" {
		t.Errorf("ECS fields: %+v", d)
	}
	if d.Message != "Auto-disconnecting from 10.0.0.2 (10.0.0.2:6320) for Replication Set payroll-set, ID: 3 due to queue full" {
		t.Errorf("message %q", d.Message)
	}
	if d.Dtrep.Event.RequiredAction != ce.Action || ce.Action == "" {
		t.Errorf("required action %q, catalog %q", d.Dtrep.Event.RequiredAction, ce.Action)
	}
	if len(d.Dtrep.Event.InsertionStrings) != 5 || d.Dtrep.Event.Params["param5"] != "queue full" ||
		d.Dtrep.Event.Params["param1"] != "10.0.0.2" {
		t.Errorf("insertion strings %v %v", d.Dtrep.Event.InsertionStrings, d.Dtrep.Event.Params)
	}
	if d.Dtrep.Connection.ID != 3 || d.Dtrep.Job.Name != "payroll" || d.Dtrep.ReplicationSet.Name != "payroll-set" ||
		d.Dtrep.Peer != "10.0.0.2:6320" {
		t.Errorf("context %+v", d.Dtrep)
	}
	// A server event concerns no connection: the fields are absent, not zero.
	var raw struct{ Dtrep map[string]any }
	if err := json.Unmarshal(docs[0], &raw); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"connection", "job", "replication_set", "peer"} {
		if _, ok := raw.Dtrep[f]; ok {
			t.Errorf("server event carries dtrep.%s", f)
		}
	}
}

func TestMirrorDuration(t *testing.T) {
	docs := sampleEventDocs(newDocBuilder(catalog.Must(), "src1", "default"))
	start, end := decode(t, docs[2]), decode(t, docs[3])
	if start.Event.Duration != 0 || start.Event.Start != "" {
		t.Errorf("mirror start timed: %+v", start.Event)
	}
	if end.Event.Duration != int64(90*time.Second) || end.Event.Start != "2025-03-04T05:06:07.89Z" {
		t.Errorf("mirror end: %+v", end.Event)
	}
	// An end without a seen start (the exporter started mid-mirror) has
	// no duration rather than a wrong one.
	b := newDocBuilder(catalog.Must(), "src1", "default")
	if d := decode(t, b.event(sampleEvents(b.cat)[3])); d.Event.Duration != 0 {
		t.Errorf("duration without a start: %d", d.Event.Duration)
	}
}

func TestStatsDocuments(t *testing.T) {
	cat := catalog.Must()
	b := newDocBuilder(cat, "src1", "ns1")
	snap := sampleSnapshot(cat)
	docs := b.stats(snap)
	if len(docs) != 5 {
		t.Fatalf("%d documents, want kernel, security, source, 1 target, 1 connection", len(docs))
	}
	var conn struct {
		Event struct{ Kind, Dataset string }
		Dtrep struct {
			Scope, Instance string
			Connection      struct{ ID int }
			Job             struct{ Name string }
			Peer            string
			Stats           map[string]any
		}
		DataStream struct{ Type, Dataset, Namespace string } `json:"data_stream"`
	}
	if err := json.Unmarshal(docs[4], &conn); err != nil {
		t.Fatal(err)
	}
	want := snap.Connections[0]
	if conn.Event.Kind != "metric" || conn.Dtrep.Scope != "connection" || conn.Dtrep.Instance != "3" ||
		conn.Dtrep.Connection.ID != 3 || conn.Dtrep.Job.Name != "payroll" || conn.Dtrep.Peer != "10.0.0.2:6320" ||
		conn.DataStream.Namespace != "ns1" || conn.DataStream.Type != "metrics" {
		t.Errorf("connection document: %+v", conn)
	}
	if len(conn.Dtrep.Stats) != len(want.Values)+len(want.Texts) {
		t.Errorf("%d counters, want %d", len(conn.Dtrep.Stats), len(want.Values)+len(want.Texts))
	}
	for n, v := range want.Values {
		if got, ok := conn.Dtrep.Stats[n].(float64); !ok || int64(got) != v {
			t.Errorf("%s = %v, want %d", n, conn.Dtrep.Stats[n], v)
		}
	}
	if got := conn.Dtrep.Stats["connectTime"]; got != "2025-03-04T05:06:07Z" {
		t.Errorf("connectTime %v: want RFC 3339 UTC", got)
	}
	// Every scope of the catalog is covered by exactly its counters.
	for i, in := range []string{"kernel", "security", "source", "target"} {
		var d struct{ Dtrep struct{ Scope string } }
		json.Unmarshal(docs[i], &d)
		if d.Dtrep.Scope != in {
			t.Errorf("document %d scope %q, want %q", i, d.Dtrep.Scope, in)
		}
	}
}

func TestStatsBadTimeLeftOut(t *testing.T) {
	b := newDocBuilder(catalog.Must(), "h", "default")
	if v := b.text("connectTime", "yesterday"); v != "" {
		t.Errorf("unreadable time kept as %q", v)
	}
	if v := b.text("conPeerAddress", "10.0.0.1"); v != "10.0.0.1" {
		t.Errorf("text changed to %q", v)
	}
}

// Insertion strings are file names and peer text: any bytes. The document
// must stay valid JSON with the message intact (as UTF-8).
func FuzzEventDocument(f *testing.F) {
	f.Add(4007, "10.0.0.2", "payroll\x00set", "\xff\xfe")
	f.Add(0, "", "", "")
	f.Add(99999, "%1", "\"}", "<script>")
	cat := catalog.Must()
	f.Fuzz(func(t *testing.T, id int, a, b, c string) {
		builder := newDocBuilder(cat, "h", "default")
		ev := events.Event{Seq: 1, Time: sampleTime, Source: events.SourceEngine, ID: id,
			Args: []string{a, b, c}, Message: a + b + c, Context: events.Context{ConnID: id, Job: b}}
		body := builder.event(ev)
		if !json.Valid(body) {
			t.Fatalf("invalid JSON: %q", body)
		}
		d := decode(t, body)
		if utf8.ValidString(a+b+c) && d.Message != a+b+c {
			t.Fatalf("message %q, want %q", d.Message, a+b+c)
		}
		if len(d.Dtrep.Event.InsertionStrings) != 3 {
			t.Fatalf("insertion strings %q", d.Dtrep.Event.InsertionStrings)
		}
	})
}
