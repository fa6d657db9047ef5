package prometheus

import "fmt"

// The rules, one function each. Every rule carries a case where it fires
// and one where it must not.

func connectionError() Rule {
	series := `dtrep_connection_state_flag{` + srcInstance + `,` + connLabels + `,state="Error"}`
	fires := merge(srcLabels, conn, map[string]string{"state": "Error"})
	return Rule{
		Alert:    "DtrepConnectionError",
		Expr:     `dtrep_connection_state_flag{state="Error"} == 1`,
		For:      "2m",
		Severity: SeverityCritical,
		Summary:  "dtrep connection {{ $labels.connection_id }} ({{ $labels.dtrep_job }}) on {{ $labels.instance }} is in error",
		Description: "Connection {{ $labels.connection_id }} of job {{ $labels.dtrep_job }} (replication set " +
			"{{ $labels.replication_set }}) cannot reach its target {{ $labels.target }} or was refused by it. " +
			"Changes queue on the source meanwhile; dtrep reconnects every NetworkRetry seconds while " +
			"AutoRetransmit allows. `dtrep job status {{ $labels.dtrep_job }}` shows the last error.",
		Cases: []Case{
			{Name: "in error for longer than 2m", Series: []Series{{series, "0 0 1 1 1 1 1 1"}},
				Evals: []Eval{{At: "3m"}, {At: "5m", Fires: []map[string]string{fires}}}},
			{Name: "error that clears within 2m", Series: []Series{{series, "1 1 0 0 0 0"}},
				Evals: []Eval{{At: "1m"}, {At: "5m"}}},
		},
	}
}

func repeatedAutoDisconnects() Rule {
	series := `dtrep_source_auto_disconnects_total{` + srcInstance + `}`
	return Rule{
		Alert:    "DtrepRepeatedAutoDisconnects",
		Expr:     `increase(dtrep_source_auto_disconnects_total[30m]) > 2`,
		Severity: SeverityWarning,
		Summary:  "dtrep on {{ $labels.instance }} lost its target connections more than twice in 30 minutes",
		Description: "The source on {{ $labels.instance }} disconnected automatically (network loss or target " +
			"failure) more than twice in 30 minutes. Each reconnect can start a difference mirror; look for " +
			"an unstable network path or a target that restarts.",
		Cases: []Case{
			{Name: "three disconnects in five minutes", Series: []Series{{series, "0 1 2 3 3 3"}},
				Evals: []Eval{{At: "5m", Fires: []map[string]string{srcLabels}}}},
			{Name: "two disconnects", Series: []Series{{series, "0 1 1 1 2 2 2"}},
				Evals: []Eval{{At: "6m"}}},
		},
	}
}

func queueAboveThreshold(threshold string) Rule {
	series := `dtrep_kernel_queue_memory_bytes{` + srcInstance + `}`
	return Rule{
		Alert:    "DtrepQueueAboveThreshold",
		Expr:     `dtrep_kernel_queue_memory_bytes > ` + threshold,
		For:      "5m",
		Severity: SeverityWarning,
		Summary:  "dtrep queues on {{ $labels.instance }} hold more than " + threshold + " bytes",
		Description: "The source queues on {{ $labels.instance }} have held more than " + threshold + " bytes " +
			"(QueueSizeAlertThreshold percent of QMemoryBufferMax) for 5 minutes: changes arrive faster than " +
			"the target takes them. Check the bandwidth limit, the network and the target's disk.",
		Cases: []Case{
			{Name: "above the threshold for 5m", Series: []Series{{series, "0 " + threshold + "+1x10"}},
				Evals: []Eval{{At: "3m"}, {At: "7m", Fires: []map[string]string{srcLabels}}}},
			{Name: "at the threshold", Series: []Series{{series, threshold + "+0x10"}},
				Evals: []Eval{{At: "10m"}}},
		},
	}
}

// dataState alerts on a Target Data State word, whichever side reports it.
func dataState(alert, word, severity, forDur, why string) Rule {
	src := `dtrep_connection_target_data_state{` + srcInstance + `,` + connLabels + `,state="` + word + `"}`
	tgtConn := `peer="10.0.0.1",source_name="alpha",replication_set="web-set",connection_id="1"`
	tgt := `dtrep_target_connection_data_state{` + tgtInstance + `,` + tgtConn + `,state="` + word + `"}`
	state := map[string]string{"state": word}
	tgtFires := merge(tgtLabels, map[string]string{"peer": "10.0.0.1", "source_name": "alpha",
		"replication_set": "web-set", "connection_id": "1"}, state)
	return Rule{
		Alert: alert,
		Expr: `dtrep_connection_target_data_state{state="` + word + `"} == 1 or ` +
			`dtrep_target_connection_data_state{state="` + word + `"} == 1`,
		For:      forDur,
		Severity: severity,
		Summary:  "dtrep replication set {{ $labels.replication_set }} needs attention: " + word,
		Description: "The target data state of connection {{ $labels.connection_id }} (replication set " +
			"{{ $labels.replication_set }}, reported by {{ $labels.instance }}) is " + word + ": " + why,
		Cases: []Case{
			{Name: word + " reported by the source", Series: []Series{{src, "1+0x30"}},
				Evals: []Eval{{At: "30m", Fires: []map[string]string{merge(srcLabels, conn, state)}}}},
			{Name: word + " reported by the target", Series: []Series{{tgt, "1+0x30"}},
				Evals: []Eval{{At: "30m", Fires: []map[string]string{tgtFires}}}},
			{Name: "other states", Series: []Series{{src, "0+0x30"}, {tgt, "0+0x30"}},
				Evals: []Eval{{At: "30m"}}},
		},
	}
}

func targetDiskFull() Rule {
	labels := `source="Double-Take",id="4110",level="Warning"`
	series := `dtrep_events_total{` + tgtInstance + `,` + labels + `}`
	fires := merge(tgtLabels, map[string]string{"source": "Double-Take", "id": "4110", "level": "Warning"})
	return Rule{
		Alert:    "DtrepTargetDiskFull",
		Expr:     `increase(dtrep_events_total{source="Double-Take",id="4110"}[10m]) > 0`,
		Severity: SeverityCritical,
		Summary:  "dtrep target {{ $labels.instance }} cannot write: disk full",
		Description: "The target {{ $labels.instance }} raised event 4110 (\"Target cannot write ... due to " +
			"target disk being full\") in the last 10 minutes. Operations are retried and queue on the " +
			"source until space is freed.",
		Cases: []Case{
			{Name: "event 4110 raised", Series: []Series{{series, "0 0 1 1 1"}},
				Evals: []Eval{{At: "3m", Fires: []map[string]string{fires}}}},
			{Name: "none raised", Series: []Series{{series, "0+0x20"}},
				Evals: []Eval{{At: "10m"}}},
			{Name: "raised over 10 minutes ago", Series: []Series{{series, "0 1+0x20"}},
				Evals: []Eval{{At: "20m"}}},
		},
	}
}

func targetRetrying() Rule {
	tgtConn := `peer="10.0.0.1",source_name="alpha",replication_set="web-set",connection_id="1"`
	series := `dtrep_target_connection_status{` + tgtInstance + `,` + tgtConn + `,state="Retrying"}`
	fires := merge(tgtLabels, map[string]string{"peer": "10.0.0.1", "source_name": "alpha",
		"replication_set": "web-set", "connection_id": "1", "state": "Retrying"})
	return Rule{
		Alert:    "DtrepTargetRetrying",
		Expr:     `dtrep_target_connection_status{state="Retrying"} == 1`,
		For:      "5m",
		Severity: SeverityWarning,
		Summary:  "dtrep target {{ $labels.instance }} keeps retrying writes for {{ $labels.source_name }}",
		Description: "The target {{ $labels.instance }} has retried operations of connection " +
			"{{ $labels.connection_id }} from {{ $labels.source_name }} ({{ $labels.peer }}) for 5 minutes: " +
			"a full disk, a sharing violation or a read-only target path. " +
			"dtrep_target_retries_total counts the retries.",
		Cases: []Case{
			{Name: "retrying for 5m", Series: []Series{{series, "0 1+0x10"}},
				Evals: []Eval{{At: "4m"}, {At: "7m", Fires: []map[string]string{fires}}}},
			{Name: "a short retry", Series: []Series{{series, "0 1 1 0 0 0 0 0 0 0"}},
				Evals: []Eval{{At: "9m"}}},
		},
	}
}

func eventsDropped() Rule {
	series := `dtrep_events_dropped_total{` + srcInstance + `}`
	return Rule{
		Alert:    "DtrepEventsDropped",
		Expr:     `increase(dtrep_events_dropped_total[10m]) > 0`,
		Severity: SeverityWarning,
		Summary:  "dtrep on {{ $labels.instance }} dropped events",
		Description: "A subscriber of the event hub on {{ $labels.instance }} (log file, event log, SNMP traps, " +
			"an exporter) could not keep up and lost events in the last 10 minutes. The engine never waits " +
			"for subscribers, so their records now have gaps.",
		Cases: []Case{
			{Name: "drops", Series: []Series{{series, "0 0 3 3"}},
				Evals: []Eval{{At: "3m", Fires: []map[string]string{srcLabels}}}},
			{Name: "no drops", Series: []Series{{series, "0+0x15"}},
				Evals: []Eval{{At: "15m"}}},
		},
	}
}

func collectorFailed() Rule {
	series := func(c string) string {
		return fmt.Sprintf(`dtrep_exporter_collector_success{%s,collector=%q}`, srcInstance, c)
	}
	return Rule{
		Alert:    "DtrepExporterCollectorFailing",
		Expr:     `dtrep_exporter_collector_success == 0`,
		For:      "5m",
		Severity: SeverityWarning,
		Summary:  "dtrep exporter on {{ $labels.instance }} fails to collect {{ $labels.collector }}",
		Description: "The Prometheus exporter of {{ $labels.instance }} has failed to collect " +
			"{{ $labels.collector }} for 5 minutes: those series are missing and alerts on them cannot fire. " +
			"The server log says why.",
		Cases: []Case{
			{Name: "failing", Series: []Series{{series("connection_states"), "1 0+0x10"}, {series("statistics"), "1+0x10"}},
				Evals: []Eval{{At: "8m", Fires: []map[string]string{merge(srcLabels, map[string]string{"collector": "connection_states"})}}}},
			{Name: "healthy", Series: []Series{{series("statistics"), "1+0x10"}},
				Evals: []Eval{{At: "8m"}}},
		},
	}
}
