package main

import (
	"context"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/dtrep/dtrep/engine/failover"
	"github.com/dtrep/dtrep/engine/server"
)

// failoverStates are the states a monitor's state series enumerate, so an
// alert can ask for the one it means and find a 0 rather than nothing.
var failoverStates = []string{failover.StateMonitoring, failover.StateConditionMet, failover.StateFailingOver,
	failover.StateFailedOver, failover.StateReversed}

// failoverCollector publishes the server's failover monitors on /metrics.
type failoverCollector struct {
	srv                       *server.Server
	state, missed, lastReply  *prom.Desc
	conditionMet, failedOverT *prom.Desc
}

func failoverMetrics(srv *server.Server) prom.Collector {
	set := []string{"set"}
	return &failoverCollector{srv: srv,
		state: prom.NewDesc("dtrep_failover_state", "1 for the failover monitor's current state of the replication set "+
			"(Monitoring, Failover Condition Met, Failing Over, Failed Over, Protection Reversed), 0 for the others.",
			[]string{"set", "state"}, nil),
		missed:       prom.NewDesc("dtrep_failover_missed_probes", "Probes of the source in a row without a reply.", set, nil),
		lastReply:    prom.NewDesc("dtrep_failover_last_reply_timestamp_seconds", "When the source last answered a probe.", set, nil),
		conditionMet: prom.NewDesc("dtrep_failover_condition_met_timestamp_seconds", "When the failover condition was last met.", set, nil),
		failedOverT:  prom.NewDesc("dtrep_failover_failed_over_timestamp_seconds", "When the replication set last failed over.", set, nil),
	}
}

func (c *failoverCollector) Describe(ch chan<- *prom.Desc) {
	for _, d := range []*prom.Desc{c.state, c.missed, c.lastReply, c.conditionMet, c.failedOverT} {
		ch <- d
	}
}

func (c *failoverCollector) Collect(ch chan<- prom.Metric) {
	all, err := c.srv.FailoverStatus(context.Background())
	if err != nil {
		return
	}
	for _, st := range all {
		set := st.Spec.Set
		for _, s := range failoverStates {
			v := 0.0
			if st.State == s {
				v = 1
			}
			ch <- prom.MustNewConstMetric(c.state, prom.GaugeValue, v, set, s)
		}
		ch <- prom.MustNewConstMetric(c.missed, prom.GaugeValue, float64(st.Missed), set)
		for d, t := range map[*prom.Desc]int64{c.lastReply: st.LastReply.Unix(), c.conditionMet: st.ConditionMet.Unix(),
			c.failedOverT: st.FailedOver.Unix()} {
			if t > 0 {
				ch <- prom.MustNewConstMetric(d, prom.GaugeValue, float64(t), set)
			}
		}
	}
}
