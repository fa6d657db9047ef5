package email

import (
	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/dtrep/dtrep/engine/catalog"
)

// MetricPrefix starts the name of every series of the notifier on the
// server's /metrics.
const MetricPrefix = "dtrep_email_"

// collector publishes a Notifier's own counters on /metrics.
type collector struct {
	n     *Notifier
	descs []*prom.Desc // in SelfCounters order
}

// Collector returns the notifier's counters as a Prometheus collector:
// dtrep_email_<name>_total for counters, dtrep_email_<name> for gauges.
func (n *Notifier) Collector() prom.Collector {
	c := &collector{n: n}
	for _, sc := range SelfCounters {
		c.descs = append(c.descs, prom.NewDesc(MetricName(sc), sc.Help, nil, nil))
	}
	return c
}

// MetricName is the series name of one of the notifier's counters.
func MetricName(sc SelfCounter) string {
	if sc.Kind == catalog.KindCounter {
		return MetricPrefix + sc.Name + "_total"
	}
	return MetricPrefix + sc.Name
}

func (c *collector) Describe(ch chan<- *prom.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prom.Metric) {
	values := c.n.Counters()
	for i, sc := range SelfCounters {
		t := prom.GaugeValue
		if sc.Kind == catalog.KindCounter {
			t = prom.CounterValue
		}
		ch <- prom.MustNewConstMetric(c.descs[i], t, float64(values[sc.Name]))
	}
}
