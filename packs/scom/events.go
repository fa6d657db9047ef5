package scom

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/dtrep/dtrep/engine/catalog"
)

// eventRule is the alert rule of one (log, source, ID): the events the
// writer reports under it (usually one; the reference gives a few IDs two
// texts).
type eventRule struct {
	EventTriple
	events []Event
}

func (r eventRule) id() string {
	return fmt.Sprintf("Dtrep.Event.%s.%s.Event%d", alnum(r.Source), r.Log, r.ID)
}

// main is the most severe of the rule's events (the first listed among
// equals): its text names the rule and its alert.
func (r eventRule) main() Event {
	rank := map[catalog.Level]int{catalog.LevelError: 3, catalog.LevelWarning: 2}
	best := r.events[0]
	for _, e := range r.events[1:] {
		if rank[e.Level] > rank[best.Level] {
			best = e
		}
	}
	return best
}

// Alerting reports whether an event's rule raises alerts as shipped: the
// reference's Error events and the warnings whose required action is more
// than "No action required". The others are present but disabled.
func Alerting(e Event) bool {
	switch e.Level {
	case catalog.LevelError:
		return true
	case catalog.LevelWarning:
		return !strings.HasPrefix(e.Action, "No action required")
	}
	return false
}

// severity is the alert severity of a level: 2 critical, 1 warning, 0
// information.
func severity(l catalog.Level) int {
	switch l {
	case catalog.LevelError:
		return 2
	case catalog.LevelWarning:
		return 1
	}
	return 0
}

// eventRules groups the events by triple, in (source, ID, log) order so
// rules read like the reference's tables whatever the input order.
func eventRules(events []Event) []eventRule {
	var out []eventRule
	at := map[EventTriple]int{}
	for _, e := range events {
		i, ok := at[e.EventTriple]
		if !ok {
			i = len(out)
			at[e.EventTriple] = i
			out = append(out, eventRule{EventTriple: e.EventTriple})
		}
		out[i].events = append(out[i].events, e)
	}
	slices.SortStableFunc(out, func(a, b eventRule) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.ID, b.ID), cmp.Compare(a.Log, b.Log))
	})
	return out
}

// writeEventRules writes one alert rule per event and one collection rule
// per log feeding the Events view.
func writeEventRules(p *pack, rules []eventRule) {
	for _, r := range rules {
		writeEventRule(p, r)
	}
	sources := map[string][]string{}
	var logs []string
	for _, r := range rules {
		if _, ok := sources[r.Log]; !ok {
			logs = append(logs, r.Log)
		}
		if !slices.Contains(sources[r.Log], r.Source) {
			sources[r.Log] = append(sources[r.Log], r.Source)
		}
	}
	slices.Sort(logs)
	for _, log := range logs {
		var match []*etree.Element
		for _, s := range sources[log] {
			match = append(match, equals("PublisherName", "String", s))
		}
		rule := p.define("Monitoring/Rules", "Rule", "Dtrep.Event.Collection."+log,
			"dtrep events in the "+log+" log",
			"Collects every event dtrep reports in the Windows "+log+" log for the Events view.",
			"Enabled", "true", "Target", p.ref(serverClass), "ConfirmDelivery", "false", "Remotable", "true",
			"Priority", "Normal", "DiscardLevel", "100")
		child(rule, "Category", "EventCollection")
		eventSource(p, rule, log, join("Or", match...))
		wa := rule.CreateElement("WriteActions").CreateElement("WriteAction")
		setAttrs(wa, "ID", "Collect", "TypeID", p.ref("SC!Microsoft.SystemCenter.CollectEvent"))
	}
}

func writeEventRule(p *pack, r eventRule) {
	first := r.main()
	enabled := slices.ContainsFunc(r.events, Alerting)
	level := first.Level
	message := r.id() + ".AlertMessage"
	p.alertMessage(message, fmt.Sprintf("%s %d: %s", r.Source, r.ID, shortText(first.Message)), "{0}")

	rule := p.define("Monitoring/Rules", "Rule", r.id(),
		fmt.Sprintf("dtrep event %s %d (%s log)", r.Source, r.ID, r.Log),
		fmt.Sprintf("Alerts on event %d from %s in the %s log: %s", r.ID, r.Source, r.Log, first.Message),
		"Enabled", strconv.FormatBool(enabled), "Target", p.ref(serverClass), "ConfirmDelivery", "true",
		"Remotable", "true", "Priority", "Normal", "DiscardLevel", "100")
	child(rule, "Category", "Alert")
	eventSource(p, rule, r.Log, join("And",
		equals("EventDisplayNumber", "UnsignedInteger", strconv.Itoa(r.ID)),
		equals("PublisherName", "String", r.Source)))
	p.generateAlert(rule.CreateElement("WriteActions"), 1, severity(level), message,
		[]string{"$Data/EventDescription$"}, []string{"$Data/EventDescription$"})

	var texts, actions []string
	for _, e := range r.events {
		texts = append(texts, fmt.Sprintf("%s event %d (%s): %s", r.Source, r.ID, e.Level, e.Message))
		if e.Action != "" && !slices.Contains(actions, e.Action) {
			actions = append(actions, e.Action)
		}
	}
	state := "raises an alert"
	if !enabled {
		state = "is disabled as shipped; enable it or override Enabled to raise an alert"
	}
	p.knowledge(r.id(),
		section{"Summary", []string{fmt.Sprintf("dtrep reported event %d from source %s in the Windows %s log. "+
			"This rule %s of severity %s.", r.ID, r.Source, r.Log, state, level)}},
		section{"Causes", texts},
		section{"Resolutions", actions})
}

// eventSource adds the data source reading one Windows event log on the
// computer hosting the dtrep server.
func eventSource(p *pack, rule *etree.Element, log string, filter *etree.Element) {
	ds := rule.CreateElement("DataSources").CreateElement("DataSource")
	setAttrs(ds, "ID", "Event", "TypeID", p.ref("Windows!Microsoft.Windows.EventProvider"))
	child(ds, "ComputerName", p.targetProperty(true, computerClass, "NetworkName"))
	child(ds, "LogName", log)
	ds.AddChild(filter)
}

var insertion = regexp.MustCompile(`%[0-9]+`)

// shortText is a message template fit for an alert name: insertion points
// shown as an ellipsis, cut at the first sentence or 100 characters.
func shortText(msg string) string {
	s := insertion.ReplaceAllString(msg, "…")
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	s = strings.TrimSuffix(s, ".")
	if r := []rune(s); len(r) > 100 {
		s = strings.TrimSpace(string(r[:99])) + "…"
	}
	return s
}

func itoa(i int) string { return strconv.Itoa(i) }
