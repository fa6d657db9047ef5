package queue

import (
	"sync/atomic"
	"time"
)

// levels is the last published copy of a queue's Counts. Scrapes read it
// without the queue's lock, which journal appends, segment rotations and
// meta writes hold across disk I/O: a statistics read never waits for the
// disk. Each mutation publishes under the lock, so a reader sees every
// figure as some recent mutation left it (fields may come from two
// neighbouring mutations, which a gauge tolerates).
type levels struct {
	opsRep, opsMir, bytesRep, bytesMir atomic.Int64
	opsAck, bytesAck                   atomic.Int64
	opsDisk, bytesDisk                 atomic.Int64
	memory, journal                    atomic.Int64
}

func (l *levels) store(c Counts) {
	l.opsRep.Store(c.OpsInRepQueue)
	l.opsMir.Store(c.OpsInMirQueue)
	l.bytesRep.Store(c.BytesInRepQueue)
	l.bytesMir.Store(c.BytesInMirQueue)
	l.opsAck.Store(c.OpsInAckQueue)
	l.bytesAck.Store(c.BytesInAckQueue)
	l.opsDisk.Store(c.OpsInDiskQueue)
	l.bytesDisk.Store(c.BytesInDiskQueue)
	l.memory.Store(c.MemoryBytes)
	l.journal.Store(c.JournalBytes)
}

func (l *levels) load() Counts {
	return Counts{
		OpsInRepQueue: l.opsRep.Load(), OpsInMirQueue: l.opsMir.Load(),
		BytesInRepQueue: l.bytesRep.Load(), BytesInMirQueue: l.bytesMir.Load(),
		OpsInAckQueue: l.opsAck.Load(), BytesInAckQueue: l.bytesAck.Load(),
		OpsInDiskQueue: l.opsDisk.Load(), BytesInDiskQueue: l.bytesDisk.Load(),
		MemoryBytes: l.memory.Load(), JournalBytes: l.journal.Load(),
	}
}

// unlock publishes the levels and releases the queue's lock. Every method
// that changes the queue under q.mu leaves through it.
func (q *Queue) unlock() {
	c := q.counts
	c.MemoryBytes = q.cost
	if q.j != nil {
		c.JournalBytes = q.j.total
	}
	q.pub.store(c)
	q.mu.Unlock()
}

// Counts returns the current levels without taking the queue's lock.
func (q *Queue) Counts() Counts { return q.pub.load() }

// SyncCounters count a queue's log fsyncs for the statistics, read without
// any lock (JournalSyncs, JournalSyncTime).
type SyncCounters struct {
	Count, Micros atomic.Int64
}

func (c *SyncCounters) add(took time.Duration) {
	c.Count.Add(1)
	c.Micros.Add(took.Microseconds())
}

// Syncs are the queue's log fsyncs so far, and the time they took.
func (q *Queue) Syncs() *SyncCounters { return &q.syncs }
