package scom

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/beevik/etree"
)

// eventMonitor is a two-state unit monitor driven by events: the first
// events turn the server's availability to warning, the second back to
// healthy. They give the State view its state.
type eventMonitor struct {
	id, name, desc         string
	badState, goodState    string // operational state IDs
	badName, goodName      string
	bad, good              []int // event IDs of source Double-Take in the Application log
	badSummary, resolution string
}

var eventMonitors = []eventMonitor{
	{
		id: "Dtrep.Monitor.Connection", name: "dtrep connection",
		desc:     "Warning from an auto-disconnect or a failed auto-reconnect until an auto-reconnect succeeds.",
		badState: "Disconnected", badName: "Disconnected", goodState: "Connected", goodName: "Connected",
		bad: []int{4007, 4011}, good: []int{4010},
		badSummary: "A connection auto-disconnected (event 4007) or could not reconnect (event 4011).",
		resolution: "dtrep reconnects by itself and resends what the target lacks; the state returns to healthy " +
			"with event 4010. If it stays disconnected, check the target and the network, and the events' text.",
	},
	{
		id: "Dtrep.Monitor.TargetPaused", name: "dtrep target paused",
		desc:     "Warning while the target is paused by a user (event 4026) until it is resumed (event 4027).",
		badState: "Paused", badName: "Paused", goodState: "Running", goodName: "Running",
		bad: []int{4026}, good: []int{4027},
		badSummary: "The target was paused (event 4026): it queues what it receives without applying it.",
		resolution: "Resume the target (dtrep target resume) when the pause is no longer wanted.",
	},
}

const monitorSource, monitorLog = "Double-Take", "Application"

// writeMonitors writes the event monitors; each event must be one the
// Windows writer reports.
func writeMonitors(p *pack, events []EventTriple) error {
	for _, m := range eventMonitors {
		for _, id := range slices.Concat(m.bad, m.good) {
			if !slices.Contains(events, EventTriple{Log: monitorLog, Source: monitorSource, ID: id}) {
				return fmt.Errorf("monitor %s: event %s %d is not reported in the %s log", m.id, monitorSource, id, monitorLog)
			}
		}
		mon := p.define("Monitoring/Monitors", "UnitMonitor", m.id, m.name, m.desc,
			"Accessibility", "Public", "Enabled", "true", "Target", p.ref(serverClass),
			"ParentMonitorID", p.ref("Health!System.Health.AvailabilityState"), "Remotable", "true",
			"Priority", "Normal", "TypeID", p.ref("Windows!Microsoft.Windows.2SingleEventLog2StateMonitorType"),
			"ConfirmDelivery", "false")
		child(mon, "Category", "AvailabilityHealth")
		states := mon.CreateElement("OperationalStates")
		for _, s := range []struct{ id, name, typeState, health string }{
			{m.badState, m.badName, "FirstEventRaised", "Warning"},
			{m.goodState, m.goodName, "SecondEventRaised", "Success"},
		} {
			setAttrs(states.CreateElement("OperationalState"),
				"ID", s.id, "MonitorTypeStateID", s.typeState, "HealthState", s.health)
			p.display(m.id, s.id, s.name, "")
		}
		cfg := mon.CreateElement("Configuration")
		for _, half := range []struct {
			prefix string
			ids    []int
		}{{"First", m.bad}, {"Second", m.good}} {
			child(cfg, half.prefix+"ComputerName", p.targetProperty(true, computerClass, "NetworkName"))
			child(cfg, half.prefix+"LogName", monitorLog)
			var match []*etree.Element
			for _, id := range half.ids {
				match = append(match, equals("EventDisplayNumber", "UnsignedInteger", strconv.Itoa(id)))
			}
			expr := join("And", join("Or", match...), equals("PublisherName", "String", monitorSource))
			cfg.CreateElement(half.prefix + "Expression").AddChild(expr.ChildElements()[0])
		}
		p.knowledge(m.id,
			section{"Summary", []string{m.desc}},
			section{"Causes", []string{m.badSummary}},
			section{"Resolutions", []string{m.resolution}})
	}
	return nil
}
