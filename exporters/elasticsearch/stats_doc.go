package elasticsearch

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// statsDoc is the ECS document of one statistics block at one moment.
type statsDoc struct {
	Timestamp  string            `json:"@timestamp"`
	Message    string            `json:"message"`
	ECS        ecsField          `json:"ecs"`
	Event      eventField        `json:"event"`
	Host       hostField         `json:"host"`
	Service    serviceField      `json:"service"`
	DataStream dataStreamField   `json:"data_stream"`
	Labels     map[string]string `json:"labels,omitempty"`
	Dtrep      dtrepStats        `json:"dtrep"`
}

type dtrepStats struct {
	Scope    string `json:"scope"`
	Instance string `json:"instance,omitempty"`
	concerns
	// Stats holds every counter of the scope by its catalog name: numbers
	// for counters and gauges, text for info values, RFC 3339 for times.
	Stats map[string]any `json:"stats,omitempty"`
	// Exporter holds this exporter's own counters (scope "exporter").
	Exporter map[string]int64 `json:"exporter,omitempty"`
}

// Labels of a statistics block that become dtrep fields; the rest go to
// ECS labels.
const (
	labelConnection = "connection_id"
	labelJob        = "job"
	labelRepSet     = "replication_set"
	labelTarget     = "target"
	labelPeer       = "peer"
)

// ScopeExporter is the dtrep.scope of the exporter's own counters.
const ScopeExporter = "exporter"

// stats renders one document per block of snap, in the snapshot's order.
func (b *docBuilder) stats(snap stats.Snapshot) [][]byte {
	blocks := make([]stats.Instance, 0, 3+len(snap.Targets)+len(snap.Connections))
	blocks = append(blocks, snap.Kernel, snap.Security, snap.Source)
	blocks = append(blocks, snap.Targets...)
	blocks = append(blocks, snap.Connections...)
	out := make([][]byte, 0, len(blocks))
	for _, in := range blocks {
		out = append(out, b.block(snap.Time, in))
	}
	return out
}

func (b *docBuilder) base(t time.Time, msg string) statsDoc {
	return statsDoc{
		Timestamp:  formatTime(t),
		Message:    msg,
		ECS:        ecsField{Version: ecsVersion},
		Event:      eventField{Kind: "metric", Dataset: statsDataset, Module: module},
		Host:       hostField{Name: b.host},
		Service:    serviceField{Name: serviceName, Type: serviceName},
		DataStream: dataStreamField{Type: "metrics", Dataset: statsDataset, Namespace: b.namespace},
	}
}

func (b *docBuilder) block(t time.Time, in stats.Instance) []byte {
	msg := "dtrep statistics: " + string(in.Scope)
	if in.Key != "" {
		msg += " " + in.Key
	}
	d := b.base(t, msg)
	d.Dtrep.Scope = string(in.Scope)
	d.Dtrep.Instance = in.Key
	var connID int
	var job, repSet, peer string
	for k, v := range in.Labels {
		switch k {
		case labelConnection:
			connID, _ = strconv.Atoi(v)
		case labelJob:
			job = v
		case labelRepSet:
			repSet = v
		case labelTarget, labelPeer:
			peer = v
		default:
			if d.Labels == nil {
				d.Labels = map[string]string{}
			}
			d.Labels[k] = v
		}
	}
	d.Dtrep.concerns = newConcerns(connID, job, repSet, peer)
	d.Dtrep.Stats = make(map[string]any, len(in.Values)+len(in.Texts))
	for n, v := range in.Values {
		d.Dtrep.Stats[n] = v
	}
	for n, v := range in.Texts {
		if v = b.text(n, v); v != "" {
			d.Dtrep.Stats[n] = v
		}
	}
	return marshalStats(d)
}

// text converts an info value for its mapping: times are written with
// time.ANSIC in local time by the engine and become RFC 3339 (mapped as
// date); a blank or unreadable time is left out rather than failing the
// whole document at the cluster.
func (b *docBuilder) text(name, v string) string {
	c, ok := b.cat.Counter(name)
	if !ok || c.Unit != "timestamp" || v == "" {
		return v
	}
	t, err := time.ParseInLocation(time.ANSIC, v, time.Local)
	if err != nil {
		return ""
	}
	return formatTime(t)
}

// exporterDoc renders the exporter's own counters.
func (b *docBuilder) exporterDoc(t time.Time, counters map[string]int64) []byte {
	d := b.base(t, "dtrep statistics: exporter elasticsearch")
	d.Dtrep.Scope = ScopeExporter
	d.Dtrep.Instance = "elasticsearch"
	d.Dtrep.Exporter = counters
	return marshalStats(d)
}

func marshalStats(d statsDoc) []byte {
	out, err := json.Marshal(d)
	if err != nil {
		panic("BUG: elasticsearch: statistics document: " + err.Error())
	}
	return out
}

// counterMapping is the Elasticsearch field type of a catalog counter.
func counterMapping(c catalog.Counter) map[string]any {
	switch {
	case c.Kind == catalog.KindInfo && c.Unit == "timestamp":
		return map[string]any{"type": "date"}
	case c.Kind == catalog.KindInfo:
		return map[string]any{"type": "keyword", "ignore_above": 1024}
	}
	// meta lets Kibana and ES|QL users see what the number means; both
	// keys are ones Elasticsearch defines for numeric fields.
	return map[string]any{"type": "long", "meta": map[string]string{
		"metric_type": string(c.Kind), "unit": unitMeta(c.Unit)}}
}

// unitMeta spells a catalog unit the way Elastic's tools read meta.unit
// (byte, percent, time units); the rest stay as the catalog writes them.
// Percentages are stored in tenths, hence per mille.
func unitMeta(u string) string {
	switch u {
	case "bytes":
		return "byte"
	case "microseconds":
		return "micros"
	case "seconds":
		return "s"
	case "percent":
		return "permille"
	}
	return u
}
