// Package exporters holds the consumers of the engine's counters and events
// that publish them to other tools (Prometheus, Elasticsearch, SNMP, the
// Windows event log and Performance Monitor). Each lives in its own
// sub-package and sees the engine only through Engine: pull exporters read
// Snapshot at scrape time, push exporters Subscribe to the event hub. The
// engine imports none of them, and nothing an exporter does can block it:
// snapshots copy atomics, and subscriptions drop (and count) what a full
// buffer cannot take.
package exporters
