package prometheus

import (
	"context"
	"log/slog"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/exporters"
)

// Collector names in dtrep_exporter_collector_* series.
const (
	collectorStatistics  = "statistics"
	collectorConnections = "connection_states"
	collectorTargets     = "target_states"
	collectorEvents      = "events"
)

// statusTimeout bounds the status listings of one scrape; both read in-memory
// state, so hitting it means an engine lock is held far too long.
const statusTimeout = 5 * time.Second

// collector reads engine snapshots at scrape time (a pull exporter).
type collector struct {
	eng               exporters.Engine
	d                 *descriptors
	connStatuses      func(context.Context) ([]ConnectionStatus, error)
	targetEntries     func(context.Context) ([]TargetEntry, error)
	hubStats          func() events.HubStats
	events            *eventCounter
	sub               *events.Subscription
	version, revision string
	log               *slog.Logger
}

// Describe sends every descriptor: the set is fixed by the catalog.
func (c *collector) Describe(ch chan<- *prom.Desc) {
	for _, d := range c.d.all() {
		ch <- d
	}
}

// Collect runs each part and reports its duration and success; one part's
// failure leaves the others' series in place.
func (c *collector) Collect(ch chan<- prom.Metric) {
	var snap stats.Snapshot
	c.step(ch, collectorStatistics, func() error {
		snap = c.eng.Snapshot()
		c.d.counters.collectSnapshot(ch, &snap)
		return nil
	})
	c.step(ch, collectorConnections, func() error {
		var st []ConnectionStatus
		if c.connStatuses != nil {
			ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
			defer cancel()
			var err error
			if st, err = c.connStatuses(ctx); err != nil {
				// The conState flags come from the snapshot and
				// are still worth sending.
				c.d.states.collectConnections(ch, &snap, nil)
				return err
			}
		}
		c.d.states.collectConnections(ch, &snap, st)
		return nil
	})
	if c.targetEntries != nil {
		c.step(ch, collectorTargets, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), statusTimeout)
			defer cancel()
			es, err := c.targetEntries(ctx)
			if err != nil {
				return err
			}
			c.d.states.collectTargetEntries(ch, es)
			return nil
		})
	}
	c.step(ch, collectorEvents, func() error {
		c.events.collect(ch, &c.d.events)
		if c.hubStats != nil {
			c.d.events.collectHub(ch, c.hubStats())
		}
		ch <- prom.MustNewConstMetric(c.d.self.eventsDropped, prom.CounterValue, float64(c.sub.Dropped()))
		return nil
	})
	c.d.self.collectBuildInfo(ch, c.version, c.revision)
}

func (c *collector) step(ch chan<- prom.Metric, name string, f func() error) {
	start := time.Now()
	err := f()
	ok := 1.0
	if err != nil {
		ok = 0
		c.log.Warn("prometheus collector failed", "collector", name, "err", err)
	}
	ch <- prom.MustNewConstMetric(c.d.self.duration, prom.GaugeValue, time.Since(start).Seconds(), name)
	ch <- prom.MustNewConstMetric(c.d.self.success, prom.GaugeValue, ok, name)
}
