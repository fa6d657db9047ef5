package queue

import (
	"errors"
	"fmt"
)

// Overflow says why a queue stopped taking operations. Until Reset, a
// queue that overflowed drops what is pushed: the connection auto-
// disconnects, discards the queue and remirrors.
type Overflow int

const (
	OverflowNone Overflow = iota
	// OverflowMemory: QMemoryBufferMax is reached and there is no disk
	// queue to spill to (QJournalSpaceMax 0, or no usable QJournalDir).
	OverflowMemory
	// OverflowThreshold: MemoryQueueToDiskThreshold is reached and the
	// policy (MemoryAllocatorCallbackMode 0) is to auto-disconnect there.
	OverflowThreshold
	// OverflowDiskSpace: the disk queue reached QJournalSpaceMax.
	OverflowDiskSpace
	// OverflowDiskFree: writing more would leave less than
	// QJournalFreeSpaceMin free in QJournalDir.
	OverflowDiskFree
	// OverflowDiskFiles: the disk queue holds the most log files it may.
	OverflowDiskFiles
	// OverflowDiskError: the queue log could not be written or read back.
	OverflowDiskError
)

// String is the reason as the auto-disconnect event (4007) words it.
func (o Overflow) String() string {
	switch o {
	case OverflowNone:
		return "none"
	case OverflowMemory:
		return "replication memory exhausted (QMemoryBufferMax)"
	case OverflowThreshold:
		return "replication memory reached MemoryQueueToDiskThreshold"
	case OverflowDiskSpace:
		return "the disk-based queue on the source has been filled (QJournalSpaceMax)"
	case OverflowDiskFree:
		return "the disk-based queue on the source has been filled (QJournalFreeSpaceMin)"
	case OverflowDiskFiles:
		return "the disk-based queue on the source has been filled (too many queue log files)"
	case OverflowDiskError:
		return "an error reading from or writing to the queue log file"
	}
	return fmt.Sprintf("overflow(%d)", int(o))
}

// Memory reports whether the overflow is replication memory running out
// (event 8196, Replication Status "Out of Memory") rather than the disk
// queue.
func (o Overflow) Memory() bool { return o == OverflowMemory || o == OverflowThreshold }

// fullError is a journal append refused for lack of room or failed.
type fullError struct {
	why Overflow
	err error
}

func (e *fullError) Error() string {
	if e.err != nil {
		return e.why.String() + ": " + e.err.Error()
	}
	return e.why.String()
}

func (e *fullError) Unwrap() error { return e.err }

// overflowOf is the overflow an append error means.
func overflowOf(err error) Overflow {
	var fe *fullError
	if errors.As(err, &fe) {
		return fe.why
	}
	return OverflowDiskError
}
