package queue

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/dtrep/dtrep/engine/wire"
)

// Opts configure a queue opened with Open.
type Opts struct {
	// Dir holds the queue's journal, one directory per queue. Empty keeps
	// the queue in memory only (QJournalSpaceMax 0 disables disk queuing).
	Dir string
	// JobID is recorded in the journal; a journal of another job found in
	// Dir is discarded, never replayed.
	JobID string
	// SegmentBytes is the size of one queue log file (QJournalFileSize).
	SegmentBytes int64
	// SpaceMax bounds the journals of every queue of Pool together
	// (QJournalSpaceMax); <= 0 is unlimited.
	SpaceMax int64
	// FreeSpaceMin is the free space the journal leaves on its volume
	// (QJournalFreeSpaceMin).
	FreeSpaceMin int64
	// Pool is the memory shared with the server's other queues; nil
	// gives the queue a pool of its own with the reference's defaults.
	Pool *Pool
	// DisconnectAtThreshold overflows the queue at the pool's spill point
	// instead of spilling (MemoryAllocatorCallbackMode 0).
	DisconnectAtThreshold bool
	// CommitDelay is how long an append may wait for the fsync that makes
	// it durable, so one fsync covers the appends of that window.
	CommitDelay time.Duration
	// UnsafeNoSync skips every fsync: a crash may lose or tear records.
	// For benchmarks and tests that measure something else.
	UnsafeNoSync bool
	// Preload is how many operations one read of the disk backlog brings
	// into memory (QJournalPreload).
	Preload int
	// OnOverflow is told, once per overflow and without the queue's lock
	// held, that the queue is full and now drops what is pushed. The
	// owner auto-disconnects and calls Reset.
	OnOverflow func(Overflow)
	// OnAcked is given each operation once it is acknowledged, when the
	// queue no longer refers to it, under the queue's lock: it must be
	// quick. The source recycles the op's data buffer there.
	OnAcked func(*wire.Op)

	// fsync replaces (*os.File).Sync of the log's segments: a disk that
	// fails an fsync cannot be made on demand, so tests inject it here.
	fsync func(*os.File) error
	Log   *slog.Logger
}

func (o *Opts) fill() {
	if o.SegmentBytes <= 0 {
		o.SegmentBytes = 5 << 20
	}
	o.SegmentBytes = max(o.SegmentBytes, segHeaderSize+64)
	if o.Pool == nil {
		o.Pool = NewPool(PoolOpts{LimitBytes: 1 << 30, SpillPercent: 75})
	}
	if o.CommitDelay <= 0 {
		o.CommitDelay = 10 * time.Millisecond
	}
	if o.Preload <= 0 {
		o.Preload = 256
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Open opens the queue whose journal is in o.Dir, creating it if needed.
// Operations the journal holds from before (a restart, a crash) are
// pending again, in order, under the same epoch, and the next sequence is
// above any the queue handed out before. Damage is cut off and reported in
// Recovery; an error means the journal cannot be used at all.
//
// The durability promise: an operation pushed is on stable storage within
// CommitDelay of Push returning (replication operations always, mirror
// operations once they spill to disk), and acknowledged operations are
// deleted only after the target acknowledged them.
func Open(o Opts) (*Queue, Recovery, error) {
	o.fill()
	q := &Queue{opts: o, pool: o.Pool, notify: make(chan struct{}, 1)}
	if o.Dir == "" {
		q.nextSeq, q.epoch = 1, newEpoch()
		return q, Recovery{}, nil
	}
	jo := journalOpts{dir: o.Dir, jobID: o.JobID, segmentBytes: o.SegmentBytes, spaceMax: o.SpaceMax,
		freeMin: o.FreeSpaceMin, commitDelay: o.CommitDelay, unsafeNoSync: o.UnsafeNoSync, pool: o.Pool, log: o.Log,
		onSyncError: q.syncError, fsync: o.fsync, exported: &q.syncs}
	if jo.fsync == nil {
		jo.fsync = (*os.File).Sync
	}
	if len(o.JobID) > maxJobID {
		return nil, Recovery{}, fmt.Errorf("job ID of %d bytes: at most %d", len(o.JobID), maxJobID)
	}
	j, next, rec, err := openJournal(jo, func(op *wire.Op) {
		account(&q.counts, op, 1)
		q.counts.OpsInDiskQueue++
		q.counts.BytesInDiskQueue += op.PayloadBytes()
	})
	if err != nil {
		return nil, rec, err
	}
	q.j, q.nextSeq, q.epoch = j, next, j.meta.epoch
	if q.counts.OpsInDiskQueue > 0 {
		if err := q.openCursor(position{first: j.segs[0].first}); err != nil {
			o.Pool.addDisk(-j.total)
			_ = j.close()
			return nil, rec, fmt.Errorf("reading the recovered queue: %w", err)
		}
	}
	q.mu.Lock()
	q.unlock()
	return q, rec, nil
}

// Close syncs and closes the journal, keeping it for the next Open.
// Operations pushed afterwards are dropped.
func (q *Queue) Close() error {
	q.mu.Lock()
	defer q.unlock()
	if q.closed {
		return nil
	}
	q.closeCursor()
	q.addCost(-q.cost)
	q.closed = true
	if q.j == nil {
		return nil
	}
	q.pool.addDisk(-q.j.total)
	return q.j.close()
}

// Discard closes the queue and deletes its journal: nothing in it is
// wanted any more (the job is gone, or everything was acknowledged).
func (q *Queue) Discard() error {
	err := q.Close()
	if q.opts.Dir == "" {
		return err
	}
	if rerr := os.RemoveAll(q.opts.Dir); rerr != nil && err == nil {
		err = fmt.Errorf("removing source queue: %w", rerr)
	}
	return err
}

// JournalStats returns the journal's counters (zero without a journal).
func (q *Queue) JournalStats() JournalStats {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.j == nil {
		return JournalStats{}
	}
	q.j.smu.Lock()
	defer q.j.smu.Unlock()
	return q.j.stats
}

// Sync blocks until every operation journaled so far is on stable storage.
func (q *Queue) Sync() error {
	q.mu.Lock()
	j := q.j
	q.mu.Unlock()
	if j == nil {
		return nil
	}
	return j.sync()
}
