package prometheus

import (
	"strconv"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/status"
	"github.com/dtrep/dtrep/exporters"
)

// Collector names in dtrep_exporter_collector_* series.
const (
	collectorStatistics  = "statistics"
	collectorConnections = "connection_states"
	collectorTargets     = "target_states"
	collectorEvents      = "events"
)

// collector reads engine snapshots at scrape time (a pull exporter) and
// builds the dtrep_ families from them.
type collector struct {
	eng               exporters.Engine
	d                 *descriptors
	events            *eventCounter
	sub               *events.Subscription
	version, revision string
}

// gather builds every dtrep_ family from one statistics snapshot and one
// status listing. Each part reports its duration in
// dtrep_exporter_collector_duration_seconds.
func (c *collector) gather() []*dto.MetricFamily {
	b := newBuilder(&c.d.families)
	var (
		snap   stats.Snapshot
		st     status.Snapshot
		connLs [][]*dto.LabelPair
	)
	c.step(b, collectorStatistics, func() {
		snap = c.eng.Snapshot()
		for _, in := range []*stats.Instance{&snap.Kernel, &snap.Security, &snap.Source} {
			c.d.counters.collectInstance(b, in, nil)
		}
		for i := range snap.Targets {
			c.d.counters.collectInstance(b, &snap.Targets[i], instanceLabels(&snap.Targets[i]))
		}
		connLs = make([][]*dto.LabelPair, len(snap.Connections))
		for i := range snap.Connections {
			connLs[i] = instanceLabels(&snap.Connections[i])
			c.d.counters.collectInstance(b, &snap.Connections[i], connLs[i])
		}
	})
	c.step(b, collectorConnections, func() {
		st = c.eng.Status()
		byID := make(map[string]*status.Connection, len(st.Connections))
		for i := range st.Connections {
			byID[strconv.Itoa(st.Connections[i].ConnectionID)] = &st.Connections[i]
		}
		for i := range snap.Connections {
			in := &snap.Connections[i]
			c.d.states.collectConnection(b, in, connLs[i], byID[in.Key])
		}
	})
	c.step(b, collectorTargets, func() { c.d.states.collectTargetEntries(b, st.Targets) })
	c.step(b, collectorEvents, func() {
		c.events.collect(b, &c.d.events)
		c.d.events.collectHub(b, c.eng.HubStats())
		b.add(c.d.self.eventsDropped, float64(c.sub.Dropped()), nil)
	})
	c.d.self.collectBuildInfo(b, c.version, c.revision)
	return b.families()
}

// step runs one part of a scrape and reports its duration; the parts read
// in-memory copies and cannot fail, so success is always 1 (the family
// stays for dashboards that watch it across versions).
func (c *collector) step(b *builder, name string, f func()) {
	start := time.Now()
	f()
	ls := pairs([]string{LabelCollector}, []string{name})
	b.add(c.d.self.duration, time.Since(start).Seconds(), ls)
	b.add(c.d.self.success, 1, ls)
}
