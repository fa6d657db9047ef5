// Package perfmon publishes the engine's statistics to Windows Performance
// Monitor as the reference's five objects (Double-Take Connection, Kernel,
// Security, Source and Target) and their 50 counters.
//
// # One definition
//
// CounterSets computes the objects from the catalog: names and help text
// as chapter 7 writes them (catalog perf_help), counter types (raw values,
// and deltas for the two counters the reference counts "since the last
// Performance Monitor refresh"), units (Kbytes counters in kilobytes,
// percentages whole), IDs in the reference's order and GUIDs derived from
// the names. The provider, the counters manifest (dtrep.man) and the
// string table embedded in dtrep.exe take them from there, and so should
// anything else that names the counters (SCOM performance rules: values in
// the units Counter.Unit states).
//
// # The provider
//
// On Windows, Run starts a PerfLib V2 provider (advapi32), registers the
// counter set templates, and every Interval copies a statistics snapshot
// into the instances: one per connection ("job -> target [ID]") and one
// per source peer (its address), created and deleted as they come and go.
// Counters are set by reference, so an update is atomic stores into memory
// PerfLib reads when a consumer collects; the engine is never locked or
// waited for. `dtrep perfmon install` registers the manifest (lodctr /m:).
//
// Everything but the advapi32 calls is platform-independent and tested on
// Linux; the provider itself is tested under wine64 (TestWindowsBinaries).
package perfmon
