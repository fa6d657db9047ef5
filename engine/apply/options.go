package apply

import (
	"context"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Options are the TG* settings the applier honours plus its hooks. Start
// from DefaultOptions: the zero value retries without waiting.
type Options struct {
	// RetryInterval is how long to wait before retrying a failed op
	// (TGRetryLocked, which the reference gives in seconds).
	RetryInterval time.Duration
	// RetryLimit is how many times a failed op is retried before it is
	// dropped; 0 retries forever (TGExecutionRetryLimit).
	RetryLimit int
	// NotifyAfter is how many failures of one op make Retrying report true;
	// 0 never does (TGWriteFailureBeforeNotification).
	NotifyAfter int
	// UnfinishedOpEvent raises 4110-4113 and 4120; drops (4150) are always
	// raised (TGUnfinishedOpEvent).
	UnfinishedOpEvent bool
	// DisableAttributes skips attribute ops (TGDisableAttributeReplication).
	DisableAttributes bool
	// FileAlloc reserves a mirrored file's full size at its first write
	// (TGFileAlloc), so the disk fills there, not mid-file.
	FileAlloc bool
	// CloseDelay is how long an unused file handle stays open
	// (TGCloseDelay). Idle handles are closed as ops arrive and at each
	// Sync; with 0 they stay open only until the Sync that flushes them.
	CloseDelay time.Duration
	// MaxOpenFiles bounds the open-handle cache; 0 means 256.
	MaxOpenFiles int
	// SyncfsThreshold is the number of files plus directories to flush
	// from which Sync uses one syncfs instead of fsyncing each; 0 means
	// DefaultSyncfsThreshold, negative never uses syncfs.
	SyncfsThreshold int
	// Counters are where the applier counts; nil gives it its own, and a
	// nil field of a given Counters is filled with a new one.
	Counters *Counters

	// OnEvent receives the chapter 6 events the applier raises (source
	// "Double-Take"), synchronously on the applying goroutine: it must
	// not block and must not call back into the Applier.
	OnEvent func(id catalog.EventID, args ...string)
	// RunTask runs an OpTask command; nil ignores tasks (TasksIgnored), as
	// does an error wrapping ErrTaskIgnored.
	RunTask func(ctx context.Context, command []byte) error
}

// DefaultSyncfsThreshold is the default count of files plus directories
// from which Sync uses syncfs. BenchmarkSyncStrategy on ext4 (virtio disk)
// put one fsync at ~0.2-0.3 ms and one syncfs at ~0.4-1.5 ms, so syncfs
// already wins from about 4; at 16 it is ~3x cheaper (1.4 vs 4.5 ms), at
// 256 ~5x (10 vs 55 ms). The threshold is set above the crossover because
// syncfs also flushes whatever else is dirty on that file system, a cost
// the benchmark cannot see and other workloads on the target can make
// large; below 16 the possible saving is under a few milliseconds.
const DefaultSyncfsThreshold = 16

const defaultMaxOpenFiles = 256

// DefaultOptions returns the reference's defaults.
func DefaultOptions() Options {
	return Options{
		RetryInterval:     3 * time.Second,
		RetryLimit:        0,
		NotifyAfter:       10,
		UnfinishedOpEvent: true,
		FileAlloc:         true,
		CloseDelay:        time.Second,
		MaxOpenFiles:      defaultMaxOpenFiles,
		SyncfsThreshold:   DefaultSyncfsThreshold,
	}
}
