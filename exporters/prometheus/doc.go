// Package prometheus serves the engine's statistics to Prometheus on
// /metrics.
//
// # Names
//
// Every catalog counter that has a Prometheus name (catalog.Counter
// .Prometheus) is served under that name, so the one catalog stays the source
// of truth: dtrep_ prefix, _total on counters, base units (_bytes,
// _seconds, _ratio, _bytes_per_second). Values are converted from the
// catalog's unit: microseconds to seconds, kilobits per second to bytes per
// second, tenths of a percent to a 0..1 ratio, and info-kind times
// (Start Time, connectTime, written with time.ANSIC) to Unix seconds.
//
// Labels follow the counter's scope: none for the server-wide blocks, peer
// for a target block, and connection_id, dtrep_job, replication_set and
// target for a connection. The job name is dtrep_job, not job, because
// Prometheus owns job (the scrape job) and would rename ours.
//
// # States
//
// Status words a user alerts on are served as one series per object whose
// state label is the current word, always 1
// (dtrep_connection_mirror_status{state="Idle"} 1): transmit mode, mirror
// status, replication status and target data state per source connection;
// target data state and target status per target connection entry; and
// conState as one series per bit set (state="None" when none is). The
// other words of an enumeration get no series: at 0 they were over half of
// a scrape's samples (38 of 67 per connection), and every rule and
// dashboard selects a word with == 1 or counts with sum by (state). The
// words come from the catalog's enumerations; a word the enumeration lacks
// is still sent rather than hidden.
//
// # Own metrics
//
// dtrep_events_total counts the catalog events the engine raises by source,
// ID and level (warnings and errors are pre-created at zero so increase()
// sees the first one); dtrep_events_{published,delivered,dropped,unknown}_total
// are the event hub's own counters; dtrep_exporter_* report this exporter's
// collection time, errors and lost events; dtrep_build_info names the build.
// The Go and process collectors of client_golang complete the set.
//
// # Engine
//
// The exporter sees the engine only through exporters.Engine: Snapshot for
// the counters, Status for the status words, HubStats and Subscribe for the
// events.
//
// # Cost of a scrape
//
// A scrape copies a statistics snapshot (atomic loads; the registry lock is
// held only to list the blocks) and the status words (each connection's
// under its own lock), then builds the client_model families straight from
// those copies: a block's label pairs are built once and shared by all of
// its samples, samples come from slabs, and no per-sample const metric,
// label sort or consistency check is made (series are unique by
// construction; a test runs client_golang's checks over a scrape). The
// Go, process and other exporters' collectors still go through a registry,
// and the two are merged by name. Responses are gzipped at the fastest
// level, and not buffered whole (no promhttp Timeout; the server's
// WriteTimeout bounds a response). BenchmarkScrape measures scrapes of
// 1,000 and 10,000 connections as Prometheus asks for them.
package prometheus
