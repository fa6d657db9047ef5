package prometheus

import (
	"sort"

	dto "github.com/prometheus/client_model/go"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Family describes one dtrep_ metric family the exporter serves: the packs
// (dashboards, alert rules) check their queries against this list.
type Family struct {
	Name   string
	Help   string
	Type   string // "counter" or "gauge"
	Labels []string
}

// familySet builds the families and remembers what it built, so the list
// of families can never disagree with what a scrape sends.
type familySet struct {
	list  []Family
	built []*family
}

// add builds a family; typ is dto.MetricType_COUNTER or _GAUGE.
func (fs *familySet) add(name, help string, typ dto.MetricType, labels ...string) *family {
	t := "gauge"
	if typ == dto.MetricType_COUNTER {
		t = "counter"
	}
	f := &family{Family: Family{Name: name, Help: help, Type: t, Labels: labels}, index: len(fs.built),
		name: &name, help: &help, typ: typ.Enum()}
	fs.list = append(fs.list, f.Family)
	fs.built = append(fs.built, f)
	return f
}

// Families lists every dtrep_ family the exporter serves for cat, sorted by
// name (client_golang's go_ and process_ families are not included).
func Families(cat *catalog.Catalog) ([]Family, error) {
	d, err := newDescriptors(cat)
	if err != nil {
		return nil, err
	}
	out := append([]Family(nil), d.families.list...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// descriptors are every descriptor of the exporter, built once.
type descriptors struct {
	families familySet
	counters counterSet
	states   stateDescs
	events   eventDescs
	self     selfDescs
}

func newDescriptors(cat *catalog.Catalog) (*descriptors, error) {
	d := &descriptors{}
	var err error
	if d.counters, err = newCounterMetrics(cat, &d.families); err != nil {
		return nil, err
	}
	if d.states, err = newStateDescs(cat, &d.families); err != nil {
		return nil, err
	}
	d.events = newEventDescs(&d.families)
	d.self = newSelfDescs(&d.families)
	return d, nil
}
