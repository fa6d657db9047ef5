// Package queue is a connection's source queue: operations waiting to be
// sent (the replication and mirror queues of the reference's statistics) and
// operations sent but not yet acknowledged (the acknowledgement queue).
//
// Every operation gets a sequence number when it is queued. The target
// acknowledges the highest sequence it has made durable; only then is an
// operation released. After a reconnect the unacknowledged operations are sent
// again, in order, so no operation is lost between the two ends.
//
// Operations wait in memory while the server's Pool is below its spill
// point (MemoryQueueToDiskThreshold percent of QMemoryBufferMax). Past it,
// they go only to the queue's journal on disk, a log of segment files in
// QJournalDir, and are read back in order when their turn comes. The
// journal also holds every replication operation, so a source that
// crashes resends, after its restart, what it had queued and the target
// had not acknowledged, under the same epoch. A queue that can neither
// hold nor spill an operation overflows: it drops what is pushed and tells
// its owner, which auto-disconnects, resets the queue and remirrors.
//
// Files, one concern each: queue.go (the queue), open.go (options,
// opening, closing), spill.go (reading the disk backlog back), pool.go
// (shared memory and the size alert), journal.go (segments, group commit,
// space limits), segment.go and record.go (the on-disk format and its
// verification), meta.go (epoch and sequence reservation), overflow.go.
package queue
