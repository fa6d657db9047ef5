// Package events is the engine's event hub: every catalog event the engine
// raises goes through Hub.Raise, which renders it from the catalog and hands
// it to subscribers (log files, event log, traps, exporters).
//
// Raise never blocks: each subscriber has a bounded buffer and a delivery to a
// full buffer is dropped and counted, so a slow or dead subscriber can never
// slow the replication engine down.
package events
