package main

import (
	"sync"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/dtrep/dtrep/engine/server"
)

// extraMetrics holds, per server, the collectors of exporters whose own
// counters belong on that server's /metrics (the event log writers'). The
// exporters start in any order, so /metrics reads them at scrape time.
var extraMetrics sync.Map // *server.Server -> *serverCollectors

type serverCollectors struct {
	mu  sync.Mutex
	all []prom.Collector
}

// addMetrics puts c on srv's /metrics.
func addMetrics(srv *server.Server, c prom.Collector) {
	v, _ := extraMetrics.LoadOrStore(srv, &serverCollectors{})
	sc := v.(*serverCollectors)
	sc.mu.Lock()
	sc.all = append(sc.all, c)
	sc.mu.Unlock()
}

// metricsOf is the collector /metrics registers for srv's extra series.
func metricsOf(srv *server.Server) prom.Collector {
	v, _ := extraMetrics.LoadOrStore(srv, &serverCollectors{})
	return v.(*serverCollectors)
}

// Describe sends nothing: the set is filled after registration, so the
// registry treats it as unchecked.
func (*serverCollectors) Describe(chan<- *prom.Desc) {}

func (sc *serverCollectors) Collect(ch chan<- prom.Metric) {
	sc.mu.Lock()
	all := append([]prom.Collector(nil), sc.all...)
	sc.mu.Unlock()
	for _, c := range all {
		c.Collect(ch)
	}
}
