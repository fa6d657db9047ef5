// Package stats holds the engine's live statistics: one Set per scope
// instance (the kernel, security and source blocks, one per target peer, one
// per connection), each holding the catalog counters of its scope.
//
// The engine updates counters with atomic adds on its hot paths; exporters
// read a Snapshot, which copies values without taking any lock the engine
// holds, so a scrape never stalls replication.
package stats
