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
// Status words a user alerts on are state sets, one series per word of the
// reference's enumeration, 1 for the current word and 0 for the others
// (dtrep_connection_mirror_status{state="Idle"} 1): conState flags, transmit
// mode, mirror status, replication status and target data state per source
// connection; target data state and target status per target connection
// entry. The words come from the catalog's enumerations; a word the
// enumeration lacks still gets its series rather than being hidden.
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
// # Cost of a scrape
//
// A scrape copies a statistics snapshot (atomic loads; the registry lock is
// held only to list the blocks), lists the jobs' status words and the target
// entries (each under its owner's lock for a few map reads) and builds the
// samples from those copies. Descriptors are built once from the catalog in
// New. BenchmarkScrape measures a scrape with 1,000 connections.
package prometheus
