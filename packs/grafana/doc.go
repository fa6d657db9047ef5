// Package grafana is dtrep's Grafana pack: dashboards over the Prometheus
// exporter's metrics, written with grafana-foundation-sdk and rendered to
// the committed JSON files users import:
//
//   - dtrep-overview.json: every server at a glance (servers, connections by
//     state, throughput sent and received, compression, queues, mirror
//     progress and remaining bytes, replication lag, auto-disconnects,
//     target retries, warnings and dropped events);
//   - dtrep-connection.json: one connection in detail, chosen with the
//     server and connection variables.
//
// Metric names are read from the catalog (catalog.Counter.Prometheus) and
// panel descriptions from its counter descriptions, so the dashboards
// follow the exporter. Both dashboards take a Prometheus data source
// variable and link to each other through the dtrep tag.
//
// The tests fail when the committed JSON differs from what the code renders
// or when a query names a metric, label or status word the exporter does
// not serve; regenerate with
//
//	go test ./packs/grafana -run TestCommittedDashboards -update
package grafana
