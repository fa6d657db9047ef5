package prometheus

import (
	"sort"

	dto "github.com/prometheus/client_model/go"
)

// family is one dtrep_ family: its name, help and type, built once, and
// its index among the scrape's families.
type family struct {
	Family
	index int
	name  *string
	help  *string
	typ   *dto.MetricType
}

// chunk is how many samples an arena slab holds.
const chunk = 1024

// builder collects the samples of one scrape straight into client_model
// messages. It is the scrape's hot path, so it does what a const metric
// per sample would do once per block instead: each block's label pairs are
// built and validated once and shared by every sample of that block, and
// samples come from slabs rather than one allocation each. Series are
// unique by construction (one block per key, one word per state), which
// is what client_golang's per-sample checks would establish.
type builder struct {
	fams    []*dto.MetricFamily
	metrics []dto.Metric
	gauges  []dto.Gauge
	counts  []dto.Counter
	values  []float64
}

func newBuilder(fs *familySet) *builder {
	b := &builder{fams: make([]*dto.MetricFamily, len(fs.list))}
	for _, f := range fs.built {
		b.fams[f.index] = &dto.MetricFamily{Name: f.name, Help: f.help, Type: f.typ}
	}
	return b
}

// add appends a sample of f with the given label pairs (sorted by name,
// shared, never modified afterwards).
func (b *builder) add(f *family, v float64, labels []*dto.LabelPair) {
	if len(b.metrics) == cap(b.metrics) {
		b.metrics = make([]dto.Metric, 0, chunk)
		b.values = make([]float64, 0, chunk)
	}
	b.metrics = b.metrics[:len(b.metrics)+1]
	m := &b.metrics[len(b.metrics)-1]
	b.values = append(b.values, v)
	pv := &b.values[len(b.values)-1]
	m.Label = labels
	if *f.typ == dto.MetricType_COUNTER {
		if len(b.counts) == cap(b.counts) {
			b.counts = make([]dto.Counter, 0, chunk)
		}
		b.counts = b.counts[:len(b.counts)+1]
		m.Counter = &b.counts[len(b.counts)-1]
		m.Counter.Value = pv
	} else {
		if len(b.gauges) == cap(b.gauges) {
			b.gauges = make([]dto.Gauge, 0, chunk)
		}
		b.gauges = b.gauges[:len(b.gauges)+1]
		m.Gauge = &b.gauges[len(b.gauges)-1]
		m.Gauge.Value = pv
	}
	mf := b.fams[f.index]
	mf.Metric = append(mf.Metric, m)
}

// families are the families that have samples, sorted by name.
func (b *builder) families() []*dto.MetricFamily {
	out := make([]*dto.MetricFamily, 0, len(b.fams))
	for _, mf := range b.fams {
		if len(mf.Metric) > 0 {
			out = append(out, mf)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GetName() < out[j].GetName() })
	return out
}

// internedNames holds one copy of each label name the exporter uses, so label
// pairs share it.
var internedNames = map[string]*string{}

func init() {
	for _, n := range []string{LabelConnectionID, LabelJob, LabelReplicationSet, LabelTarget, LabelPeer,
		LabelSourceName, LabelState, LabelSource, LabelID, LabelLevel, LabelCollector, "version", "revision",
		"goversion"} {
		internedNames[n] = &n
	}
}

// pairs makes label pairs from names and values (names among labelNames),
// sorted by name, with values made valid UTF-8.
func pairs(names, values []string) []*dto.LabelPair {
	out := make([]*dto.LabelPair, len(names))
	ps := make([]dto.LabelPair, len(names))
	for i, n := range names {
		v := validLabel(values[i])
		ps[i].Name, ps[i].Value = internedNames[n], &v
		out[i] = &ps[i]
	}
	sort.Slice(out, func(i, j int) bool { return *out[i].Name < *out[j].Name })
	return out
}

// with returns ps plus one more pair, sorted, sharing ps's pairs.
func with(ps []*dto.LabelPair, name, value string) []*dto.LabelPair {
	v := validLabel(value)
	p := &dto.LabelPair{Name: internedNames[name], Value: &v}
	out := make([]*dto.LabelPair, 0, len(ps)+1)
	i := sort.Search(len(ps), func(i int) bool { return *ps[i].Name > name })
	out = append(append(append(out, ps[:i]...), p), ps[i:]...)
	return out
}
