package grafana

import (
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Families the exporter serves beyond the catalog counters (the tests check
// each against the exporter).
const (
	famStateFlag        = "dtrep_connection_state_flag"
	famTransmit         = "dtrep_connection_transmit_mode"
	famMirrorStatus     = "dtrep_connection_mirror_status"
	famReplStatus       = "dtrep_connection_replication_status"
	famDataState        = "dtrep_connection_target_data_state"
	famTargetDataState  = "dtrep_target_connection_data_state"
	famTargetStatus     = "dtrep_target_connection_status"
	famEvents           = "dtrep_events_total"
	famEventsDropped    = "dtrep_events_dropped_total"
	famCollectorSuccess = "dtrep_exporter_collector_success"
)

// OverviewUID is the overview dashboard's UID.
const OverviewUID = "dtrep-overview"

// Overview builds the dashboard of every selected server.
func Overview(cat *catalog.Catalog) (dashboard.Dashboard, error) {
	b := &builder{cat: cat}
	perConn := `{{instance}} {{dtrep_job}} #{{connection_id}}`
	db := dashboard.NewDashboardBuilder("dtrep overview").Uid(OverviewUID).
		Description("dtrep replication servers: connections, throughput, queues, mirrors and problems.").
		Tags([]string{Tag}).Refresh("30s").Time("now-3h", "now").Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		WithVariable(datasourceVariable()).
		WithVariable(labelVariable(varInstance, "instance", b.m("Start Time"), "Server", true)).
		Link(dashboardLinks())

	db = db.WithRow(row("Servers").Id(b.id())).
		WithPanel(b.single("Servers", "Servers reporting: "+b.help("Start Time"), unitShort, 4, 4,
			instant(`count(`+sel(b.m("Start Time"))+`)`, "servers"))).
		WithPanel(b.single("Connections", b.help("ConnectionCount"), unitShort, 4, 4,
			instant(`sum(`+sel(b.m("ConnectionCount"))+`)`, "connections"))).
		WithPanel(b.single("Uptime", b.help("Start Time"), unitSeconds, 16, 4,
			instant(`time() - `+sel(b.m("Start Time")), "{{instance}}"))).
		WithPanel(b.bars("Connections by state", "Source connections with each conState flag set (Scheduled and Error can both be set).",
			unitShort, 12, 6,
			instant(`sum by (state) (`+sel(famStateFlag)+`)`, "{{state}}"))).
		WithPanel(b.bars("Target data state", "Source connections by the state of their data on the target.",
			unitShort, 12, 6,
			instant(`sum by (state) (`+sel(famDataState)+`) > 0`, "{{state}}")))

	db = db.WithRow(row("Throughput").Id(b.id())).
		WithPanel(b.graph("Sent", b.help("conBytesTx", "SentReplicationBytes", "SentMirrorBytes"), unitBytesRate, 12, 8,
			query(`sum by (instance) (`+rate(sel(b.m("conBytesTx")))+`)`, "{{instance}} total"),
			query(`sum by (instance) (`+rate(sel(b.m("SentReplicationBytes")))+`)`, "{{instance}} replication"),
			query(`sum by (instance) (`+rate(sel(b.m("SentMirrorBytes")))+`)`, "{{instance}} mirror"))).
		WithPanel(b.graph("Received", b.help("conBytesRx", "Ops Received", "Mirror Ops Received"), unitBytesRate, 12, 8,
			query(`sum by (instance) (`+rate(sel(b.m("conBytesRx")))+`)`, "{{instance}} from targets")).
			OverrideByRegexp(".*ops.*", []dashboard.DynamicConfigValue{{Id: "unit", Value: unitOpsRate}}).
			WithTarget(query(`sum by (instance) (`+rate(sel(b.m("Ops Received")))+`)`, "{{instance}} ops applied").RefId("B")).
			WithTarget(query(`sum by (instance) (`+rate(sel(b.m("Mirror Ops Received")))+`)`, "{{instance}} mirror ops applied").RefId("C"))).
		WithPanel(b.graph("Compression", "Compressed bytes sent over bytes before compression (lower is better; 1 is no compression). "+
			b.help("conBytesCompressedTx"), unitRatio, 12, 8,
			query(`sum by (instance) (`+rate(sel(b.m("conBytesCompressedTx")))+`) / sum by (instance) (`+
				rate(sel(b.m("conBytesTx")))+`)`, "{{instance}}"))).
		WithPanel(b.graph("Operations sent", b.help("conOpsTx", "conResentOpCount"), unitOpsRate, 12, 8,
			query(`sum by (instance) (`+rate(sel(b.m("conOpsTx")))+`)`, "{{instance}} sent"),
			query(`sum by (instance) (`+rate(sel(b.m("conResentOpCount")))+`)`, "{{instance}} resent")))

	db = db.WithRow(row("Queues").Id(b.id())).
		WithPanel(b.graph("Source queues", b.help("conBytesInRepQueue", "conBytesInMirQueue", "conBytesInDiskQueue"), unitBytes, 8, 8,
			query(`sum by (instance) (`+sel(b.m("conBytesInRepQueue"))+`)`, "{{instance}} replication"),
			query(`sum by (instance) (`+sel(b.m("conBytesInMirQueue"))+`)`, "{{instance}} mirror"),
			query(`sum by (instance) (`+sel(b.m("conBytesInDiskQueue"))+`)`, "{{instance}} disk"))).
		WithPanel(b.graph("Queued operations", b.help("conOpsInCmdQueue", "conOpsInAckQueue"), unitShort, 8, 8,
			query(`sum by (instance) (`+sel(b.m("conOpsInCmdQueue"))+`)`, "{{instance}} to send"),
			query(`sum by (instance) (`+sel(b.m("conOpsInAckQueue"))+`)`, "{{instance}} awaiting acknowledgement"))).
		WithPanel(b.graph("Target queues", b.help("BytesInQueue", "Ops Remaining"), unitBytes, 8, 8,
			query(`sum by (instance, peer) (`+sel(b.m("BytesInQueue"))+`)`, "{{instance}} from {{peer}}"),
			query(`sum by (instance, peer) (`+sel(b.m("Ops Remaining"))+`)`, "{{instance}} ops from {{peer}}")).
			OverrideByRegexp(".* ops .*", []dashboard.DynamicConfigValue{{Id: "unit", Value: unitShort}}))

	db = db.WithRow(row("Mirrors and lag").Id(b.id())).
		WithPanel(b.graph("Mirror progress", b.help("conMirrorPercent"), unitRatio, 8, 8,
			query(sel(b.m("conMirrorPercent")), perConn)).Max(1)).
		WithPanel(b.graph("Mirror remaining", b.help("conMirrorBytesRemain"), unitBytes, 8, 8,
			query(sel(b.m("conMirrorBytesRemain")), perConn))).
		WithPanel(b.graph("Replication lag", "Time the replication queue takes to drain at the current replication send rate "+
			"(no value while nothing is sent). "+b.help("conBytesInRepQueue"), unitSeconds, 8, 8,
			query(replicationLag(b, sel), perConn)))

	db = db.WithRow(row("Problems").Id(b.id())).
		WithPanel(b.graph("Auto-disconnects", b.help("autoDisConnects", "autoReConnects"), unitShort, 8, 8,
			query(`increase(`+sel(b.m("autoDisConnects"))+`[$__rate_interval])`, "{{instance}} disconnects"),
			query(`increase(`+sel(b.m("autoReConnects"))+`[$__rate_interval])`, "{{instance}} reconnects"))).
		WithPanel(b.graph("Target retries", b.help("Retries", "OpsDropped"), unitOpsRate, 8, 8,
			query(`sum by (instance, peer) (`+rate(sel(b.m("Retries")))+`)`, "{{instance}} retries for {{peer}}"),
			query(`sum by (instance, peer) (`+rate(sel(b.m("OpsDropped")))+`)`, "{{instance}} dropped for {{peer}}"))).
		WithPanel(b.graph("Warnings and errors", "Catalog events of level Warning or Error raised, by event ID.", unitShort, 8, 8,
			query(`sum by (instance, id, level) (increase(`+sel(famEvents, `level=~"Warning|Error"`)+`[$__rate_interval])) > 0`,
				"{{instance}} {{level}} {{id}}"))).
		WithPanel(b.graph("Dropped events and collector failures", "Events a hub subscriber lost (log files, event log, traps, "+
			"exporters), and exporter collectors that failed (their series are missing).", unitShort, 12, 6,
			query(`increase(`+sel(famEventsDropped)+`[$__rate_interval])`, "{{instance}} events dropped"),
			query(sel(famCollectorSuccess)+` == 0`, "{{instance}} {{collector}} failing"))).
		WithPanel(b.bars("Target status", "Target connection entries by target status.", unitShort, 12, 6,
			instant(`sum by (state) (`+sel(famTargetStatus)+`)`, "{{state}}")))

	d, err := db.Build()
	if b.err != nil {
		return d, b.err
	}
	return d, err
}

// replicationLag estimates per connection how long the replication queue
// takes to drain at the current replication send rate.
func replicationLag(b *builder, sel func(string, ...string) string, matchers ...string) string {
	by := "sum by (instance, connection_id, dtrep_job) "
	return by + `(` + sel(b.m("conBytesInRepQueue"), matchers...) + `) / (` +
		by + `(` + rate(sel(b.m("SentReplicationBytes"), matchers...)) + `) > 0)`
}
