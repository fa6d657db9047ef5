package prometheus

import (
	"fmt"
	"strings"

	dto "github.com/prometheus/client_model/go"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// counterMetric is one catalog counter served to Prometheus.
type counterMetric struct {
	name  string // catalog name: the key in stats.Instance
	scope catalog.Scope
	conv  conversion
	fam   *family
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
		typ := dto.MetricType_GAUGE
		if c.Kind == catalog.KindCounter {
			typ = dto.MetricType_COUNTER
		}
		out[c.Scope] = append(out[c.Scope], counterMetric{name: c.Name, scope: c.Scope, conv: conv,
			fam: fs.add(c.Prometheus, counterHelp(c), typ, labelNames(c.Scope)...)})
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

// collectInstance adds the counters of one statistics block, labelled ls.
func (cs counterSet) collectInstance(b *builder, in *stats.Instance, ls []*dto.LabelPair) {
	cms := cs[in.Scope]
	for i := range cms {
		cm := &cms[i]
		if v, ok := cm.conv.value(cm.name, in.Values, in.Texts); ok {
			b.add(cm.fam, v, ls)
		}
	}
}
