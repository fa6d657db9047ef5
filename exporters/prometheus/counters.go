package prometheus

import (
	"fmt"
	"strings"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// counterMetric is one catalog counter served to Prometheus.
type counterMetric struct {
	name  string // catalog name: the key in stats.Instance
	scope catalog.Scope
	typ   prom.ValueType
	conv  conversion
	desc  *prom.Desc
}

// counterSet holds the counter metrics grouped by scope, so a block only
// walks the counters of its own scope.
type counterSet map[catalog.Scope][]counterMetric

// newCounterMetrics builds a descriptor for every catalog counter that has
// a Prometheus name.
func newCounterMetrics(cat *catalog.Catalog, fs *familySet) (counterSet, error) {
	out := counterSet{}
	n := 0
	for _, c := range cat.Counters {
		if c.Prometheus == "" {
			continue
		}
		conv, err := conversionFor(c)
		if err != nil {
			return nil, err
		}
		typ := prom.GaugeValue
		if c.Kind == catalog.KindCounter {
			typ = prom.CounterValue
		}
		out[c.Scope] = append(out[c.Scope], counterMetric{name: c.Name, scope: c.Scope, typ: typ, conv: conv,
			desc: fs.add(c.Prometheus, counterHelp(c), typ, labelNames(c.Scope)...)})
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("catalog has no Prometheus counters")
	}
	return out, nil
}

// counterHelp is the catalog description followed by the names the same
// quantity has on the reference's surfaces, so a user can match a series to
// DTStat, Performance Monitor or SNMP.
func counterHelp(c catalog.Counter) string {
	var names []string
	if c.DTStatLabel != "" {
		sec := c.DTStatSection
		if sec != "" {
			sec += " "
		}
		names = append(names, "DTStat "+sec+c.DTStatLabel)
	}
	if c.PerfCounter != "" {
		names = append(names, "Performance Monitor "+c.PerfObject+`\`+c.PerfCounter)
	}
	if c.SNMPObject != "" {
		names = append(names, "SNMP "+c.SNMPObject)
	}
	h := strings.TrimSpace(c.Description)
	if len(names) > 0 {
		h += " (" + strings.Join(names, "; ") + ")"
	}
	return h
}

// all lists the descriptors.
func (cs counterSet) all() []*prom.Desc {
	var out []*prom.Desc
	for _, cms := range cs {
		for _, cm := range cms {
			out = append(out, cm.desc)
		}
	}
	return out
}

// collectInstance sends the counters of one statistics block.
func (cs counterSet) collectInstance(ch chan<- prom.Metric, in *stats.Instance) {
	lv := labelValues(in)
	cms := cs[in.Scope]
	for i := range cms {
		cm := &cms[i]
		v, ok := cm.conv.value(cm.name, in.Values, in.Texts)
		if !ok {
			continue
		}
		ch <- prom.MustNewConstMetric(cm.desc, cm.typ, v, lv...)
	}
}

// collectSnapshot sends every block of a snapshot.
func (cs counterSet) collectSnapshot(ch chan<- prom.Metric, snap *stats.Snapshot) {
	cs.collectInstance(ch, &snap.Kernel)
	cs.collectInstance(ch, &snap.Security)
	cs.collectInstance(ch, &snap.Source)
	for i := range snap.Targets {
		cs.collectInstance(ch, &snap.Targets[i])
	}
	for i := range snap.Connections {
		cs.collectInstance(ch, &snap.Connections[i])
	}
}
