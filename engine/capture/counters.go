package capture

import "sync/atomic"

// Counters are the watcher's live statistics. They are updated atomically
// and may be read at any time, for example by a stats exporter.
type Counters struct {
	Events    atomic.Uint64 // kernel events read about entries under the root
	Outside   atomic.Uint64 // fanotify events read about the rest of the root's file system, dropped
	Records   atomic.Uint64 // records delivered on Changes
	Coalesced atomic.Uint64 // records merged into an earlier one or superseded by a root Rescan
	Rescans   atomic.Uint64 // Rescan records produced
	Overflows atomic.Uint64 // kernel event queue overflows
	Errors    atomic.Uint64 // other errors reported by fsnotify
	Watches   atomic.Int64  // inotify watches held, one per wanted directory (fanotify's one mark needs none)
}
