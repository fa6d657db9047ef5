package prometheus

import (
	"sort"

	prom "github.com/prometheus/client_golang/prometheus"

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

// familySet builds descriptors and remembers what it built, so the list of
// families can never disagree with what Collect sends.
type familySet struct {
	list []Family
}

func (fs *familySet) add(name, help string, typ prom.ValueType, labels ...string) *prom.Desc {
	t := "gauge"
	if typ == prom.CounterValue {
		t = "counter"
	}
	fs.list = append(fs.list, Family{Name: name, Help: help, Type: t, Labels: labels})
	return prom.NewDesc(name, help, labels, nil)
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

// all lists every descriptor for Describe.
func (d *descriptors) all() []*prom.Desc {
	out := d.counters.all()
	out = append(out, d.states.all()...)
	out = append(out, d.events.all()...)
	out = append(out, d.self.all()...)
	return out
}
