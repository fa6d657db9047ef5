package prometheus

import (
	"context"
	"strconv"
	"sync"

	dto "github.com/prometheus/client_model/go"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// eventDescs are the event families: raised events by kind, and the hub's
// own counters.
type eventDescs struct {
	raised                                 *family
	published, delivered, dropped, unknown *family
}

func newEventDescs(fs *familySet) eventDescs {
	return eventDescs{
		raised: fs.add("dtrep_events_total",
			"Catalog events raised by the engine (chapter 6), by event source, ID and level, since the exporter started.",
			dto.MetricType_COUNTER, LabelSource, LabelID, LabelLevel),
		published: fs.add("dtrep_events_published_total",
			"Events the engine's event hub published.", dto.MetricType_COUNTER),
		delivered: fs.add("dtrep_events_delivered_total",
			"Event deliveries the hub made to its subscribers (log files, event log, traps, exporters).", dto.MetricType_COUNTER),
		dropped: fs.add("dtrep_events_dropped_total",
			"Event deliveries the hub dropped because a subscriber's buffer was full: that subscriber lost the event.", dto.MetricType_COUNTER),
		unknown: fs.add("dtrep_events_unknown_total",
			"Events raised that the catalog does not describe (delivered with their arguments as the message).", dto.MetricType_COUNTER),
	}
}

// eventKey identifies a dtrep_events_total series.
type eventKey struct {
	source string
	id     int
	level  catalog.Level
}

// eventCounter counts the events a subscription delivers.
type eventCounter struct {
	mu     sync.Mutex
	counts map[eventKey]uint64
}

// precreatedSources are the event sources the engine raises under.
var precreatedSources = []string{events.SourceEngine, events.SourceManagement}

// newEventCounter starts every warning and error the engine can raise at
// zero: an alert on increase() misses the first occurrence of a series
// that did not exist before it.
func newEventCounter(cat *catalog.Catalog) *eventCounter {
	ec := &eventCounter{counts: map[eventKey]uint64{}}
	for _, e := range cat.Events {
		if e.Level != catalog.LevelError && e.Level != catalog.LevelWarning {
			continue
		}
		for _, s := range e.Sources {
			for _, p := range precreatedSources {
				if s == p {
					ec.counts[eventKey{s, e.ID, e.Level}] = 0
				}
			}
		}
	}
	return ec
}

func (ec *eventCounter) add(ev events.Event) {
	ec.mu.Lock()
	ec.counts[eventKey{ev.Source, ev.ID, ev.Level}]++
	ec.mu.Unlock()
}

// run counts what sub delivers until ctx ends.
func (ec *eventCounter) run(ctx context.Context, sub *events.Subscription) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-sub.C():
			ec.add(ev)
		}
	}
}

// collect adds the counts, copied under the lock so the counting
// goroutine never waits behind a scrape.
func (ec *eventCounter) collect(b *builder, d *eventDescs) {
	ec.mu.Lock()
	counts := make(map[eventKey]uint64, len(ec.counts))
	for k, n := range ec.counts {
		counts[k] = n
	}
	ec.mu.Unlock()
	names := []string{LabelSource, LabelID, LabelLevel}
	for k, n := range counts {
		b.add(d.raised, float64(n), pairs(names, []string{k.source, strconv.Itoa(k.id), string(k.level)}))
	}
}

// collectHub adds the hub's own counters.
func (d *eventDescs) collectHub(b *builder, st events.HubStats) {
	b.add(d.published, float64(st.Published), nil)
	b.add(d.delivered, float64(st.Delivered), nil)
	b.add(d.dropped, float64(st.Dropped), nil)
	b.add(d.unknown, float64(st.Unknown), nil)
}
