// Package perfmon publishes the engine's statistics to Windows Performance
// Monitor as the reference's five objects (Double-Take Connection, Kernel,
// Security, Source and Target) and their 50 counters.
//
// CounterSets is the one definition of those objects, computed from the
// catalog: names and help text as chapter 7 writes them, counter types,
// units, IDs and GUIDs. The provider, the counters manifest, the string
// resources and the SCOM management packs' performance rules all take it
// from there.
//
// The manifest, string table and counter set templates are built by
// platform-independent code, tested on any OS; the PerfLib V2 provider
// that hands them to Windows (advapi32) is built on Windows only.
package perfmon
