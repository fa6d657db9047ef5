package prometheus

import (
	"fmt"
	"strconv"

	dto "github.com/prometheus/client_model/go"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/status"
)

// stateSet is one state family over the words of an enumeration: the
// current word's series, at 1.
type stateSet struct {
	fam   *family
	words []string
}

// newStateSet builds a state set over the catalog enumeration enum.
func newStateSet(cat *catalog.Catalog, fs *familySet, name, help, enum string, labels []string) (stateSet, error) {
	e, ok := cat.Enum(enum)
	if !ok {
		return stateSet{}, fmt.Errorf("catalog has no enumeration %q", enum)
	}
	ss := stateSet{}
	for _, v := range e.Values {
		ss.words = append(ss.words, v.Name)
	}
	ss.fam = fs.add(name, help+" The state label is the current "+enum+" word of the reference "+
		"(one series per object, always 1; select a word with {state=\"...\"} == 1).",
		dto.MetricType_GAUGE, append(append([]string(nil), labels...), LabelState)...)
	return ss, nil
}

// collect adds the series of one object whose current word is cur; a word
// the enumeration lacks is sent as it is (hiding it would hide a state),
// an empty one is not sent.
func (ss stateSet) collect(b *builder, cur string, ls []*dto.LabelPair) {
	if cur != "" {
		b.add(ss.fam, 1, with(ls, LabelState, cur))
	}
}

// stateDescs are the state sets of the source connections and the target
// connection entries.
type stateDescs struct {
	conFlags                                  *family
	conFlagWords                              []catalog.EnumValue
	transmit, mirror, replication, sourceData stateSet
	targetData, targetStatus                  stateSet
}

// Target entry labels.
var targetEntryLabels = []string{LabelPeer, LabelSourceName, LabelReplicationSet, LabelConnectionID}

func newStateDescs(cat *catalog.Catalog, fs *familySet) (stateDescs, error) {
	var d stateDescs
	conn := labelNames(catalog.ScopeConnection)
	e, ok := cat.Enum("conState")
	if !ok {
		return d, fmt.Errorf("catalog has no enumeration conState")
	}
	d.conFlagWords = e.Values
	d.conFlags = fs.add("dtrep_connection_state_flag",
		"The connection's conState as flags: one series per state bit set, always 1 (state=\"None\" when no bit is; Scheduled and Error can both be set).",
		dto.MetricType_GAUGE, append(append([]string(nil), conn...), LabelState)...)
	var err error
	sets := []struct {
		dst              *stateSet
		name, help, enum string
		labels           []string
	}{
		{&d.transmit, "dtrep_connection_transmit_mode", "The connection's transmit mode.", "Transmit Mode", conn},
		{&d.mirror, "dtrep_connection_mirror_status", "The connection's mirror status.", "Mirror Status", conn},
		{&d.replication, "dtrep_connection_replication_status", "The connection's replication status.", "Replication Status", conn},
		{&d.sourceData, "dtrep_connection_target_data_state", "The state of the connection's data on the target, as the source knows it.", "Target Data State", conn},
		{&d.targetData, "dtrep_target_connection_data_state", "The state of a source connection's data on this target.", "Target Data State", targetEntryLabels},
		{&d.targetStatus, "dtrep_target_connection_status", "The target's status for a source connection.", "Target Status", targetEntryLabels},
	}
	for _, s := range sets {
		if *s.dst, err = newStateSet(cat, fs, s.name, s.help, s.enum, s.labels); err != nil {
			return d, err
		}
	}
	return d, nil
}

// collectConFlags adds the conState flags of one connection block.
func (d *stateDescs) collectConFlags(b *builder, in *stats.Instance, ls []*dto.LabelPair) {
	v, ok := in.Values["conState"]
	if !ok {
		return
	}
	for _, w := range d.conFlagWords {
		if (w.Value == 0 && v == 0) || (w.Value != 0 && v&int64(w.Value) != 0) {
			b.add(d.conFlags, 1, with(ls, LabelState, w.Name))
		}
	}
}

// collectConnection adds the states of one connection block; st is nil for
// a connection the status listing did not have yet (it started after).
func (d *stateDescs) collectConnection(b *builder, in *stats.Instance, ls []*dto.LabelPair, st *status.Connection) {
	d.collectConFlags(b, in, ls)
	if st == nil {
		return
	}
	d.transmit.collect(b, st.TransmitMode, ls)
	d.mirror.collect(b, st.MirrorStatus, ls)
	d.replication.collect(b, st.ReplicationStatus, ls)
	d.sourceData.collect(b, st.TargetDataState, ls)
}

// collectTargetEntries adds the states of the target entries. A source
// that reconnected can briefly have two sessions; the first entry listed
// wins, since one series may only be sent once per scrape.
func (d *stateDescs) collectTargetEntries(b *builder, entries []status.TargetEntry) {
	seen := make(map[[4]string]bool, len(entries))
	for _, e := range entries {
		lv := []string{validLabel(e.Peer), validLabel(e.SourceName), validLabel(e.ReplicationSet),
			strconv.Itoa(e.ConnectionID)}
		k := [4]string(lv)
		if seen[k] {
			continue
		}
		seen[k] = true
		ls := pairs(targetEntryLabels, lv)
		d.targetData.collect(b, e.TargetDataState, ls)
		d.targetStatus.collect(b, e.TargetStatus, ls)
	}
}
