package grafana

import (
	"strconv"
	"strings"

	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"

	"github.com/dtrep/dtrep/engine/catalog"
)

// ConnectionUID is the drill-down dashboard's UID.
const ConnectionUID = "dtrep-connection"

// Connection builds the dashboard of one connection of one server.
func Connection(cat *catalog.Catalog) (dashboard.Dashboard, error) {
	b := &builder{cat: cat}
	db := dashboard.NewDashboardBuilder("dtrep connection").Uid(ConnectionUID).
		Description("One dtrep connection in detail: its state, what it sends, its queues and its mirror.").
		Tags([]string{Tag}).Refresh("30s").Time("now-1h", "now").Timezone(common.TimeZoneBrowser).
		Tooltip(dashboard.DashboardCursorSyncCrosshair).
		WithVariable(datasourceVariable()).
		WithVariable(labelVariable(varInstance, "instance", b.m("Start Time"), "Server", false)).
		WithVariable(labelVariable(varConnection, "connection_id", b.m("conState"), "Connection", false,
			`instance=~"$`+varInstance+`"`)).
		Link(dashboardLinks())

	db = db.WithRow(row("State").Id(b.id())).
		WithPanel(b.single("Job", "The job and replication set of the connection, and its target.", unitShort, 6, 3,
			instant(connSel(b.m("conState")), "{{dtrep_job}} ({{replication_set}}) to {{target}}")).
			TextMode(common.BigValueTextModeName)).
		WithPanel(b.single("conState", b.help("conState"), unitShort, 3, 3,
			instant(connSel(b.m("conState")), "conState")).Mappings(conStateMappings())).
		WithPanel(b.word("Transmit mode", "The connection's transmit mode (Transmit Mode of the reference).", 3, 3,
			connSel(famTransmit))).
		WithPanel(b.word("Mirror status", "The connection's mirror status (Mirror Status of the reference).", 3, 3,
			connSel(famMirrorStatus))).
		WithPanel(b.word("Replication status", "The connection's replication status (Replication Status of the reference).", 3, 3,
			connSel(famReplStatus))).
		WithPanel(b.word("Target data state", "The state of the connection's data on the target (Target Data State of the reference).", 3, 3,
			connSel(famDataState))).
		WithPanel(b.single("Connected since", b.help("connectTime"), unitDateTime, 3, 3,
			instant(connSel(b.m("connectTime"))+` * 1000`, "connected"))).
		WithPanel(b.single("Mirror complete", b.help("conMirrorPercent"), unitRatio, 4, 4,
			instant(connSel(b.m("conMirrorPercent")), "complete")).Max(1)).
		WithPanel(b.single("Mirror remaining", b.help("conMirrorBytesRemain"), unitBytes, 4, 4,
			instant(connSel(b.m("conMirrorBytesRemain")), "remaining"))).
		WithPanel(b.single("Bandwidth limit", b.help("conBandwidthLimit"), unitBytesRate, 4, 4,
			instant(connSel(b.m("conBandwidthLimit")), "limit")).
			Mappings([]dashboard.ValueMapping{valueText("0", "Unlimited")})).
		WithPanel(b.single("Replication lag", "Time the replication queue takes to drain at the current replication "+
			"send rate (no value while nothing is sent).", unitSeconds, 4, 4,
			instant(replicationLag(b, connSel), "lag"))).
		WithPanel(b.single("Resent operations", b.help("conResentOpCount"), unitShort, 4, 4,
			instant(connSel(b.m("conResentOpCount")), "resent"))).
		WithPanel(b.single("Tasks failed", b.help("conTasksFailed"), unitShort, 4, 4,
			instant(connSel(b.m("conTasksFailed")), "failed")))

	db = db.WithRow(row("Throughput").Id(b.id())).
		WithPanel(b.graph("Sent", b.help("conBytesTx", "SentReplicationBytes", "SentMirrorBytes", "conBytesRx"), unitBytesRate, 12, 8,
			query(rate(connSel(b.m("conBytesTx"))), "sent"),
			query(rate(connSel(b.m("SentReplicationBytes"))), "replication"),
			query(rate(connSel(b.m("SentMirrorBytes"))), "mirror"),
			query(rate(connSel(b.m("conBytesRx"))), "received"))).
		WithPanel(b.graph("Sent compressed", b.help("conBytesCompressedTx", "SentCompressedReplicationBytes",
			"SentCompressedMirrorBytes"), unitBytesRate, 12, 8,
			query(rate(connSel(b.m("conBytesCompressedTx"))), "compressed"),
			query(rate(connSel(b.m("SentCompressedReplicationBytes"))), "replication"),
			query(rate(connSel(b.m("SentCompressedMirrorBytes"))), "mirror"))).
		WithPanel(b.graph("Operations", b.help("conOpsTx", "conOpsRx", "conResentOpCount"), unitOpsRate, 12, 8,
			query(rate(connSel(b.m("conOpsTx"))), "sent"),
			query(rate(connSel(b.m("conOpsRx"))), "acknowledged"),
			query(rate(connSel(b.m("conResentOpCount"))), "resent"))).
		WithPanel(b.graph("Compression", "Compressed bytes sent over bytes before compression (1 is no compression).",
			unitRatio, 12, 8,
			query(rate(connSel(b.m("conBytesCompressedTx")))+` / `+rate(connSel(b.m("conBytesTx"))), "all"),
			query(rate(connSel(b.m("SentCompressedReplicationBytes")))+` / `+rate(connSel(b.m("SentReplicationBytes"))), "replication"),
			query(rate(connSel(b.m("SentCompressedMirrorBytes")))+` / `+rate(connSel(b.m("SentMirrorBytes"))), "mirror")))

	db = db.WithRow(row("Queues and mirror").Id(b.id())).
		WithPanel(b.graph("Queued bytes", b.help("conBytesInRepQueue", "conBytesInMirQueue", "conBytesInDiskQueue"), unitBytes, 8, 8,
			query(connSel(b.m("conBytesInRepQueue")), "replication"),
			query(connSel(b.m("conBytesInMirQueue")), "mirror"),
			query(connSel(b.m("conBytesInDiskQueue")), "disk"))).
		WithPanel(b.graph("Queued operations", b.help("conOpsInCmdQueue", "conOpsInRepQueue", "conOpsInMirQueue", "conOpsInAckQueue"),
			unitShort, 8, 8,
			query(connSel(b.m("conOpsInCmdQueue")), "command"),
			query(connSel(b.m("conOpsInRepQueue")), "replication"),
			query(connSel(b.m("conOpsInMirQueue")), "mirror"),
			query(connSel(b.m("conOpsInAckQueue")), "awaiting acknowledgement"))).
		WithPanel(b.graph("Mirror", b.help("conMirrorBytesRemain", "conBytesSkipped"), unitBytes, 8, 8,
			query(connSel(b.m("conMirrorBytesRemain")), "remaining"),
			query(`increase(`+connSel(b.m("conBytesSkipped"))+`[$__rate_interval])`, "skipped"))).
		WithPanel(b.graph("Tasks", b.help("conTaskCmdsSubmitted", "conTasksSucceeded", "conTasksFailed", "conTasksIgnored"),
			unitShort, 24, 6,
			query(`increase(`+connSel(b.m("conTaskCmdsSubmitted"))+`[$__rate_interval])`, "submitted"),
			query(`increase(`+connSel(b.m("conTasksSucceeded"))+`[$__rate_interval])`, "succeeded"),
			query(`increase(`+connSel(b.m("conTasksFailed"))+`[$__rate_interval])`, "failed"),
			query(`increase(`+connSel(b.m("conTasksIgnored"))+`[$__rate_interval])`, "ignored")))

	d, err := db.Build()
	if b.err != nil {
		return d, b.err
	}
	return d, err
}

// conStateMappings spells every conState value the reference allows with
// its words (12 is "Scheduled, Error").
func conStateMappings() []dashboard.ValueMapping {
	var out []dashboard.ValueMapping
	for _, v := range []int{catalog.ConStateNone, catalog.ConStateActive, catalog.ConStatePaused,
		catalog.ConStateScheduled, catalog.ConStateError, catalog.ConStateScheduled | catalog.ConStateError} {
		out = append(out, valueText(strconv.Itoa(v), strings.Join(catalog.ConStateNames(v), ", ")))
	}
	return out
}

func valueText(value, text string) dashboard.ValueMapping {
	return dashboard.ValueMapping{ValueMap: &dashboard.ValueMap{Type: dashboard.MappingTypeValueToText,
		Options: map[string]dashboard.ValueMappingResult{value: {Text: ptr(text)}}}}
}
