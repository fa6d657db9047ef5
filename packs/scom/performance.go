package scom

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
)

// threshold is the shipped setting of one counter's threshold rule.
type threshold struct {
	enabled bool
	op      string // Greater or Less
	value   float64
}

// enabledThresholds are the few threshold rules on as shipped, by catalog
// counter name; the queue's follows the server's own alert setting.
func enabledThresholds(cat *catalog.Catalog) (map[string]threshold, error) {
	qmax, err := settingInt(cat, "QMemoryBufferMax") // MB
	if err != nil {
		return nil, err
	}
	pct, err := settingInt(cat, "QueueSizeAlertThreshold") // percent
	if err != nil {
		return nil, err
	}
	const gib = 1 << 30
	return map[string]threshold{
		// QueueSizeAlertThreshold percent of QMemoryBufferMax, as the
		// server's own event 4072 measures it.
		"DoubleTakeQueueMemoryUsage": {true, "Greater", float64(qmax*pct/100) * (1 << 20)},
		// A source spilling a gigabyte to disk is falling well behind.
		"conBytesInDiskQueue": {true, "Greater", gib},
		// A target spilling a gigabyte to disk cannot apply as fast as it receives.
		"Bytes In Target Disk Queue": {true, "Greater", gib},
	}, nil
}

func settingInt(cat *catalog.Catalog, name string) (int, error) {
	s, ok := cat.Setting(name)
	if !ok {
		return 0, fmt.Errorf("setting %s is not in the catalog", name)
	}
	v, err := strconv.Atoi(s.Value)
	if err != nil {
		return 0, fmt.Errorf("setting %s: %w", name, err)
	}
	return v, nil
}

// defaultThreshold is where a disabled rule starts when enabled: a value
// meaning "much more than usual" for the counter's unit, to be overridden
// for the environment.
func defaultThreshold(c perfCounter) threshold {
	switch {
	case c.Stat == "MemoryPoolBytesAvailable":
		return threshold{op: "Less", value: 1 << 20}
	case c.Unit == "percent":
		return threshold{op: "Greater", value: 90}
	case c.Unit == "bytes":
		return threshold{op: "Greater", value: 1 << 30}
	case c.Unit == "kilobytes":
		return threshold{op: "Greater", value: 1 << 20}
	case c.Unit == "microseconds":
		return threshold{op: "Greater", value: 1e6}
	case c.Unit == "kbps":
		return threshold{op: "Greater", value: 1e6}
	}
	return threshold{op: "Greater", value: 100000}
}

// collected are the counters the Performance Data view graphs, by catalog
// name: queue memory, disk queues, bytes transmitted and operations pending.
var collected = []string{
	"DoubleTakeQueueMemoryUsage",
	"conBytesInDiskQueue",
	"Bytes In Target Disk Queue",
	"conBytesTx",
	"conBytesCompressedTx",
	"conOpsInRepQueue",
	"conOpsInAckQueue",
	"Ops Remaining",
}

// perfCounter is one counter of the provider with its catalog entry.
type perfCounter struct {
	Counter
	set     CounterSet
	catalog catalog.Counter
}

func (c perfCounter) idPart() string {
	return alnum(strings.TrimPrefix(c.set.Name, "Double-Take ")) + "." + alnum(c.Name)
}

// perfCounters pairs the provider's counters with the catalog's.
func perfCounters(cat *catalog.Catalog, sets []CounterSet) ([]perfCounter, error) {
	var out []perfCounter
	for _, s := range sets {
		for _, n := range s.Counters {
			c, ok := cat.Counter(n.Stat)
			if !ok {
				return nil, fmt.Errorf("counter %s\\%s: statistic %q is not in the catalog", s.Name, n.Name, n.Stat)
			}
			out = append(out, perfCounter{Counter: n, set: s, catalog: c})
		}
	}
	return out, nil
}

// writePerformanceRules writes a threshold rule for every counter and a
// collection rule for the graphed ones.
func writePerformanceRules(p *pack, counters []perfCounter, enabled map[string]threshold) error {
	found := map[string]bool{}
	for _, c := range counters {
		t, ok := enabled[c.Stat]
		if !ok {
			t = defaultThreshold(c)
		}
		found[c.Stat] = ok
		writeThresholdRule(p, c, t)
	}
	for name := range enabled {
		if !found[name] {
			return fmt.Errorf("threshold for %s: no such Performance Monitor counter", name)
		}
	}
	for _, name := range collected {
		i := indexCounter(counters, name)
		if i < 0 {
			return fmt.Errorf("collected counter %s: no such Performance Monitor counter", name)
		}
		writeCollectionRule(p, counters[i])
	}
	return nil
}

func indexCounter(counters []perfCounter, name string) int {
	for i, c := range counters {
		if c.Stat == name {
			return i
		}
	}
	return -1
}

func writeThresholdRule(p *pack, c perfCounter, t threshold) {
	id := "Dtrep.Performance.Threshold." + c.idPart()
	message := id + ".AlertMessage"
	word := map[string]string{"Greater": "above", "Less": "below"}[t.op]
	p.alertMessage(message, fmt.Sprintf("%s: %s %s threshold", c.set.Name, c.Name, word),
		"{0}\\{1} of instance '{2}' is {3}, "+word+" the rule's threshold.")
	rule := p.define("Monitoring/Rules", "Rule", id,
		fmt.Sprintf("dtrep %s\\%s threshold", c.set.Name, c.Name),
		fmt.Sprintf("Alerts when %s\\%s is %s %s (override Threshold to change it). %s",
			c.set.Name, c.Name, word, formatValue(t.value), c.catalog.Description),
		"Enabled", strconv.FormatBool(t.enabled), "Target", p.ref(serverClass), "ConfirmDelivery", "false",
		"Remotable", "true", "Priority", "Normal", "DiscardLevel", "100")
	child(rule, "Category", "PerformanceHealth")
	ds := rule.CreateElement("DataSources").CreateElement("DataSource")
	setAttrs(ds, "ID", "Threshold", "TypeID", p.ref(thresholdSource))
	wmiPerfConfig(ds, c.set, c.Name, "300")
	child(ds, "Operator", t.op)
	child(ds, "Threshold", formatValue(t.value))
	p.generateAlert(rule.CreateElement("WriteActions"), 1, 1, message,
		[]string{"$Data/ObjectName$", "$Data/CounterName$", "$Data/InstanceName$", "$Data/Value$"},
		[]string{"$Data/InstanceName$"})
	state := "It is enabled as shipped."
	if !t.enabled {
		state = "It is disabled as shipped: enable it, and set Threshold for this environment, with an override."
	}
	p.knowledge(id,
		section{"Summary", []string{fmt.Sprintf("%s\\%s: %s", c.set.Name, c.Name, c.catalog.Description)}},
		section{"Causes", []string{fmt.Sprintf("The counter was %s %s at a sample taken every 5 minutes. %s",
			word, formatValue(t.value), state)}},
		section{"Resolutions", []string{"Compare the value with the connection's state (dtrep job status) and " +
			"the Events view. To alert at another level, override Threshold; for a second tier of alerts, copy " +
			"the rule and change its severity and threshold."}})
}

func writeCollectionRule(p *pack, c perfCounter) {
	rule := p.define("Monitoring/Rules", "Rule", "Dtrep.Performance.Collection."+c.idPart(),
		fmt.Sprintf("dtrep %s\\%s collection", c.set.Name, c.Name),
		fmt.Sprintf("Collects %s\\%s for the Performance Data view. %s", c.set.Name, c.Name, c.catalog.Description),
		"Enabled", "true", "Target", p.ref(serverClass), "ConfirmDelivery", "false",
		"Remotable", "true", "Priority", "Normal", "DiscardLevel", "100")
	child(rule, "Category", "PerformanceCollection")
	ds := rule.CreateElement("DataSources").CreateElement("DataSource")
	setAttrs(ds, "ID", "Perf", "TypeID", p.ref(wmiPerfProvider))
	child(ds, "NameSpace", `root\cimv2`)
	wmiPerfConfig(ds, c.set, c.Name, "300")
	wa := rule.CreateElement("WriteActions").CreateElement("WriteAction")
	setAttrs(wa, "ID", "Collect", "TypeID", p.ref("SC!Microsoft.SystemCenter.CollectPerformanceData"))
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
