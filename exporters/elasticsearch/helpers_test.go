package elasticsearch

import (
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
)

var sampleTime = time.Date(2025, 3, 4, 5, 6, 7, 890000000, time.UTC)

// sampleEvents are events as the hub delivers them: a server event, a
// connection event with every context field, and a mirror start and end.
func sampleEvents(cat *catalog.Catalog) []events.Event {
	raise := func(seq uint64, at time.Time, id int, ctx events.Context, args ...string) events.Event {
		ce, _ := cat.Event(events.SourceEngine, id)
		return events.Event{Seq: seq, Time: at, Source: events.SourceEngine, ID: id, Log: ce.Log,
			Level: ce.Level, Args: args, Message: ce.Render(args...), Context: ctx}
	}
	conn := events.Context{ConnID: 3, Job: "payroll", RepSet: "payroll-set", Peer: "10.0.0.2:6320"}
	return []events.Event{
		raise(1, sampleTime, 4000, events.Context{}),
		raise(2, sampleTime, 4007, conn, "10.0.0.2", "10.0.0.2:6320", "payroll-set", "3", "queue full"),
		raise(3, sampleTime, 4019, conn, "10.0.0.2", "10.0.0.2:6320", "payroll-set", "3"),
		raise(4, sampleTime.Add(90*time.Second), 4023, conn, "10.0.0.2", "(10.0.0.2:6320)", "payroll-set", "3", "10 bytes in 90s"),
	}
}

func sampleEventDocs(b *docBuilder) [][]byte {
	var out [][]byte
	for _, ev := range sampleEvents(b.cat) {
		out = append(out, b.event(ev))
	}
	return out
}

// sampleSnapshot has every scope, one target and one connection, and a
// non-zero value in every counter.
func sampleSnapshot(cat *catalog.Catalog) stats.Snapshot {
	reg := stats.NewRegistry()
	reg.Target("10.0.0.1")
	reg.AddConnection(3, map[string]string{"job": "payroll", "replication_set": "payroll-set", "target": "10.0.0.2:6320"})
	c, _ := reg.Connection(3)
	fillSet(cat, reg.Kernel)
	fillSet(cat, reg.Security)
	fillSet(cat, reg.Source)
	fillSet(cat, reg.Target("10.0.0.1"))
	fillSet(cat, c)
	snap := reg.Snapshot()
	snap.Time = sampleTime
	return snap
}

// fillSet gives every counter of s a non-zero value and every info counter a
// text (a time in the format the engine writes for timestamps).
func fillSet[S catalog.ScopeMarker](cat *catalog.Catalog, s *stats.Set[S]) {
	var sc S
	for i := range sc.NumNames() {
		s.Counter(catalog.Num[S](i)).Store(int64(i + 1))
	}
	for i, n := range sc.TextNames() {
		v := "some text"
		if k, _ := cat.Counter(n); k.Unit == "timestamp" {
			v = sampleTime.Local().Format(time.ANSIC)
		}
		s.SetText(catalog.Text[S](i), v)
	}
}
