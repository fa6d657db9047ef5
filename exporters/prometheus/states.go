package prometheus

import (
	"fmt"
	"strconv"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// ConnectionStatus is the status words of one source connection, as the
// replication service view shows them (chapter 4).
type ConnectionStatus struct {
	ConnectionID      int
	TransmitMode      string
	MirrorStatus      string
	ReplicationStatus string
	TargetDataState   string
}

// TargetEntry is one target connection entry: a source connection as the
// target sees it.
type TargetEntry struct {
	Peer            string // the source's address, without port (the target block's peer)
	SourceName      string
	ReplicationSet  string
	ConnectionID    int
	TargetDataState string
	TargetStatus    string
}

// stateSet is one state-set family: a series per word of an enumeration.
type stateSet struct {
	desc  *prom.Desc
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
	ss.desc = fs.add(name, help+" One series per "+enum+" word of the reference: 1 for the current one, 0 for the others.",
		prom.GaugeValue, append(append([]string(nil), labels...), LabelState)...)
	return ss, nil
}

// collect sends the set for one object whose current word is cur. A word
// the enumeration lacks is sent too: hiding it would hide a state.
func (ss stateSet) collect(ch chan<- prom.Metric, cur string, lv []string) {
	known := false
	l := append(append(make([]string, 0, len(lv)+1), lv...), "")
	for _, w := range ss.words {
		v := 0.0
		if w == cur {
			v, known = 1, true
		}
		l[len(l)-1] = w
		ch <- prom.MustNewConstMetric(ss.desc, prom.GaugeValue, v, l...)
	}
	if !known && cur != "" {
		l[len(l)-1] = validLabel(cur)
		ch <- prom.MustNewConstMetric(ss.desc, prom.GaugeValue, 1, l...)
	}
}

// stateDescs are the state sets of the source connections and the target
// connection entries.
type stateDescs struct {
	conFlags                                  *prom.Desc
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
		"The connection's conState as flags: 1 for each state bit set (None when no bit is; Scheduled and Error can both be 1), 0 for the others.",
		prom.GaugeValue, append(append([]string(nil), conn...), LabelState)...)
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

func (d *stateDescs) all() []*prom.Desc {
	return []*prom.Desc{d.conFlags, d.transmit.desc, d.mirror.desc, d.replication.desc, d.sourceData.desc,
		d.targetData.desc, d.targetStatus.desc}
}

// collectConFlags sends the conState flags of one connection block.
func (d *stateDescs) collectConFlags(ch chan<- prom.Metric, in *stats.Instance, lv []string) {
	v, ok := in.Values["conState"]
	if !ok {
		return
	}
	l := append(append(make([]string, 0, len(lv)+1), lv...), "")
	for _, w := range d.conFlagWords {
		set := 0.0
		if (w.Value == 0 && v == 0) || (w.Value != 0 && v&int64(w.Value) != 0) {
			set = 1
		}
		l[len(l)-1] = w.Name
		ch <- prom.MustNewConstMetric(d.conFlags, prom.GaugeValue, set, l...)
	}
}

// collectConnections sends the state sets of every connection of the
// snapshot; status words come from statuses (by connection ID), which may
// lack a connection that started after the snapshot.
func (d *stateDescs) collectConnections(ch chan<- prom.Metric, snap *stats.Snapshot, statuses []ConnectionStatus) {
	byID := make(map[string]*ConnectionStatus, len(statuses))
	for i := range statuses {
		byID[strconv.Itoa(statuses[i].ConnectionID)] = &statuses[i]
	}
	for i := range snap.Connections {
		in := &snap.Connections[i]
		lv := labelValues(in)
		d.collectConFlags(ch, in, lv)
		st, ok := byID[in.Key]
		if !ok {
			continue
		}
		d.transmit.collect(ch, st.TransmitMode, lv)
		d.mirror.collect(ch, st.MirrorStatus, lv)
		d.replication.collect(ch, st.ReplicationStatus, lv)
		d.sourceData.collect(ch, st.TargetDataState, lv)
	}
}

// collectTargetEntries sends the state sets of the target entries. A source
// that reconnected can briefly have two sessions; the first entry listed
// wins, since one series may only be sent once per scrape.
func (d *stateDescs) collectTargetEntries(ch chan<- prom.Metric, entries []TargetEntry) {
	seen := make(map[[4]string]bool, len(entries))
	for _, e := range entries {
		lv := []string{validLabel(e.Peer), validLabel(e.SourceName), validLabel(e.ReplicationSet),
			strconv.Itoa(e.ConnectionID)}
		k := [4]string(lv)
		if seen[k] {
			continue
		}
		seen[k] = true
		d.targetData.collect(ch, e.TargetDataState, lv)
		d.targetStatus.collect(ch, e.TargetStatus, lv)
	}
}
