package eventlog

import (
	prom "github.com/prometheus/client_golang/prometheus"
)

// LabelWriter names the writer of the consumer's own series: eventlog,
// journald or syslog.
const LabelWriter = "writer"

// collector publishes a Consumer's counters on /metrics.
type collector struct {
	c                                               *Consumer
	written, errors, refused, dropped, buffered, up *prom.Desc
}

// Collector returns the consumer's counters as a Prometheus collector, for
// the server's /metrics.
func (c *Consumer) Collector() prom.Collector {
	d := func(name, help string) *prom.Desc { return prom.NewDesc(name, help, []string{LabelWriter}, nil) }
	return &collector{c: c,
		written:  d("dtrep_eventlog_events_written_total", "Events the writer's receiver took (Windows Event Log, journald, syslog)."),
		errors:   d("dtrep_eventlog_write_errors_total", "Failed writes; each is retried with a growing pause unless the event is refused."),
		refused:  d("dtrep_eventlog_events_refused_total", "Events the writer can never write (an event the catalog lacks, for the Windows Event Log)."),
		dropped:  d("dtrep_eventlog_events_dropped_total", "Events dropped because the writer's buffer (EventLogBufferSize) was full while its receiver was slow or down."),
		buffered: d("dtrep_eventlog_buffer_events", "Events waiting in the writer's buffer."),
		up:       d("dtrep_eventlog_writer_up", "1 when the writer's last attempt succeeded, 0 while its receiver is failing."),
	}
}

func (m *collector) Describe(ch chan<- *prom.Desc) {
	for _, d := range []*prom.Desc{m.written, m.errors, m.refused, m.dropped, m.buffered, m.up} {
		ch <- d
	}
}

func (m *collector) Collect(ch chan<- prom.Metric) {
	for _, s := range m.c.Stats() {
		up := 0.0
		if s.Up {
			up = 1
		}
		for _, v := range []struct {
			d   *prom.Desc
			t   prom.ValueType
			val float64
		}{
			{m.written, prom.CounterValue, float64(s.Written)}, {m.errors, prom.CounterValue, float64(s.Errors)},
			{m.refused, prom.CounterValue, float64(s.Refused)}, {m.dropped, prom.CounterValue, float64(s.Dropped)},
			{m.buffered, prom.GaugeValue, float64(s.Buffered)}, {m.up, prom.GaugeValue, up},
		} {
			ch <- prom.MustNewConstMetric(v.d, v.t, v.val, s.Writer)
		}
	}
}
