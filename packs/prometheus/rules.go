package prometheus

import (
	"fmt"
	"strconv"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Rule is one alerting rule with the unit tests that pin its behaviour.
type Rule struct {
	Alert       string
	Expr        string
	For         string // "" fires on the first evaluation
	Severity    string // critical or warning
	Summary     string // may use {{ $labels.name }}
	Description string // may use {{ $labels.name }}
	Cases       []Case
}

// Case is a unit test: input series and, at each evaluation time, the label
// sets of the alerts that must fire (none: the rule must stay quiet).
type Case struct {
	Name   string
	Series []Series
	Evals  []Eval
}

// Series is one input series in promtool's notation.
type Series struct {
	Series string // metric{labels}
	Values string // expanding notation, one value per minute
}

// Eval is the expectation at one time.
type Eval struct {
	At    string              // offset from the start, e.g. "5m"
	Fires []map[string]string // labels of each firing alert, without alertname and severity
}

// Severities.
const (
	SeverityCritical = "critical"
	SeverityWarning  = "warning"
)

// Labels of the test series, as a Prometheus scraping two dtrep servers
// would store them.
const (
	srcInstance = `instance="source:9561",job="dtrep"`
	tgtInstance = `instance="target:9561",job="dtrep"`
	connLabels  = `connection_id="1",dtrep_job="web",replication_set="web-set",target="10.0.0.2:1100"`
)

var (
	srcLabels = map[string]string{"instance": "source:9561", "job": "dtrep"}
	tgtLabels = map[string]string{"instance": "target:9561", "job": "dtrep"}
	conn      = map[string]string{"connection_id": "1", "dtrep_job": "web", "replication_set": "web-set",
		"target": "10.0.0.2:1100"}
)

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// Rules returns the alerting rules, with thresholds from cat's settings.
func Rules(cat *catalog.Catalog) ([]Rule, error) {
	queue, err := queueThreshold(cat)
	if err != nil {
		return nil, err
	}
	q := strconv.FormatInt(queue, 10)
	return []Rule{
		connectionError(),
		repeatedAutoDisconnects(),
		queueAboveThreshold(q),
		dataState("DtrepMirrorRequired", "Mirror Required", SeverityWarning, "15m",
			"the target's copy is out of date and a mirror must run before it is consistent again. "+
				"dtrep starts one by itself on connect; a state that lasts means the mirror cannot start "+
				"(job stopped, target paused or unreachable)."),
		dataState("DtrepRestoreRequired", "Restore Required", SeverityCritical, "1m",
			"the target holds data the source lacks: restore from the target before mirroring again, "+
				"or the newer data is lost."),
		targetDiskFull(),
		targetRetrying(),
		eventsDropped(),
		collectorFailed(),
	}, nil
}

// queueThreshold is the queue size the reference alerts at:
// QueueSizeAlertThreshold percent of QMemoryBufferMax megabytes.
func queueThreshold(cat *catalog.Catalog) (int64, error) {
	get := func(name string) (int64, error) {
		s, ok := cat.Setting(name)
		if !ok {
			return 0, fmt.Errorf("catalog has no setting %s", name)
		}
		v, err := strconv.ParseInt(s.Value, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("setting %s: default %q: %w", name, s.Value, err)
		}
		return v, nil
	}
	mb, err := get("QMemoryBufferMax")
	if err != nil {
		return 0, err
	}
	pct, err := get("QueueSizeAlertThreshold")
	if err != nil {
		return 0, err
	}
	return mb << 20 * pct / 100, nil
}
