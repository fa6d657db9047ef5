package prometheus

import (
	"strings"
	"unicode/utf8"

	dto "github.com/prometheus/client_model/go"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// Label names. The engine's statistics label a connection with job; it is
// served as dtrep_job because Prometheus attaches its own job label to every
// scraped series and would rename ours to exported_job.
const (
	LabelConnectionID   = "connection_id"
	LabelJob            = "dtrep_job"
	LabelReplicationSet = "replication_set"
	LabelTarget         = "target"
	LabelPeer           = "peer"
	LabelSourceName     = "source_name"
	LabelState          = "state"
	LabelSource         = "source"
	LabelID             = "id"
	LabelLevel          = "level"
	LabelExporter       = "exporter"
	LabelCollector      = "collector"
)

// scopeLabel pairs a Prometheus label with the stats label it is read from.
type scopeLabel struct {
	name, from string
}

// scopeLabels are the labels of each scope's series; the singleton scopes
// have none (Prometheus's instance label tells servers apart).
var scopeLabels = map[catalog.Scope][]scopeLabel{
	catalog.ScopeTarget: {{LabelPeer, "peer"}},
	catalog.ScopeConnection: {
		{LabelConnectionID, "connection_id"}, {LabelJob, "job"},
		{LabelReplicationSet, "replication_set"}, {LabelTarget, "target"},
	},
}

// labelNames lists a scope's Prometheus label names.
func labelNames(s catalog.Scope) []string {
	var out []string
	for _, l := range scopeLabels[s] {
		out = append(out, l.name)
	}
	return out
}

// instanceLabels are the label pairs of an instance's series, shared by
// all of them.
func instanceLabels(in *stats.Instance) []*dto.LabelPair {
	ls := scopeLabels[in.Scope]
	if len(ls) == 0 {
		return nil
	}
	names, values := make([]string, len(ls)), make([]string, len(ls))
	for i, l := range ls {
		names[i], values[i] = l.name, in.Labels[l.from]
	}
	return pairs(names, values)
}

// validLabel makes a label value valid UTF-8. Label values carry names
// users and remote peers chose (job and replication set names, a source's
// server name from its Hello), and client_golang refuses a series whose
// label is not UTF-8: one odd byte would cost the scrape its series.
func validLabel(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
