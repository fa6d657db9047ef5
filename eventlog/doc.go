// Package eventlog puts every catalog event where the operating system keeps
// its events: the Windows Event Log (classic sources with message files
// generated from the catalog), journald (native protocol and a journal
// message catalog) and syslog (RFC 5424 with structured data).
//
// It is a push consumer of the engine's event hub, like the Elasticsearch
// exporter: a Consumer subscribes, hands each event to its writers from a
// goroutine of its own, and counts what it wrote, what a writer refused and
// what a full buffer dropped. Nothing a writer does can slow the engine: a
// stopped journald or syslog receiver costs dropped events, counted, never a
// blocked Raise.
//
// WindowsEvents is the one definition of what the Windows writer reports:
// (log, source, ID, level, message). The message tables, the source
// registrations and the SCOM packs' event rules are all computed from it.
package eventlog
