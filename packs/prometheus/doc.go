// Package prometheus is dtrep's Prometheus pack: the alerting rules for the
// metrics the Prometheus exporter serves, written as Go and rendered to the
// committed files users load:
//
//   - dtrep-alerts.yml: the rule group (rule_files in prometheus.yml);
//   - dtrep-alerts.test.yml: promtool unit tests, at least one firing and
//     one quiet case for every rule (promtool test rules dtrep-alerts.test.yml).
//
// Thresholds that the reference sets as server settings come from the
// catalog's defaults (the queue alert is QueueSizeAlertThreshold percent of
// QMemoryBufferMax), so rules, exporter and documentation share one source.
//
// The tests fail when the committed files differ from what the code renders;
// regenerate them with
//
//	go test ./packs/prometheus -run TestCommittedFiles -update
//
// CheckExpr validates a PromQL expression against the exporter's families;
// the Grafana pack uses it for its dashboard queries.
package prometheus
