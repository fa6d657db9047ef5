package capture

import "time"

// Options tune a Watcher; the zero value picks the defaults.
type Options struct {
	// Buffer is the capacity of the Changes channel (default 1024).
	Buffer int
	// MaxPending bounds the records waiting for a slow consumer beyond the
	// channel; past it they are replaced by one root Rescan (default 262144).
	MaxPending int
	// RenameWindow is how long a RENAME waits for the CREATE that completes
	// it before it is reported as a Remove (default 20ms). inotify queues the
	// two together, so the wait only matters for moves out of the set.
	RenameWindow time.Duration
	// Method picks the kernel interface: Auto (the zero value) uses
	// fanotify where it can and inotify otherwise.
	Method Method
}

func (o Options) withDefaults() Options {
	if o.Buffer <= 0 {
		o.Buffer = 1024
	}
	if o.MaxPending <= 0 {
		o.MaxPending = 1 << 18
	}
	if o.RenameWindow <= 0 {
		o.RenameWindow = 20 * time.Millisecond
	}
	return o
}
