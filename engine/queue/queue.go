package queue

import (
	"context"
	"os"
	"sync"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/wire"
)

// Counts are the queue's levels, read by the statistics layer. The
// replication and mirror figures count every operation waiting to be sent,
// in memory or on disk; the disk figures count the part held only on disk.
type Counts struct {
	OpsInRepQueue, OpsInMirQueue     int64
	BytesInRepQueue, BytesInMirQueue int64
	OpsInAckQueue                    int64
	BytesInAckQueue                  int64
	OpsInDiskQueue, BytesInDiskQueue int64

	MemoryBytes  int64 // estimated memory the queue's operations hold
	JournalBytes int64 // size of the queue's journal files
}

// opOverhead estimates what an operation costs in memory besides its data
// and names.
const opOverhead = 160

func opCost(op *wire.Op) int64 {
	return int64(len(op.Data)+len(op.Path)+len(op.NewPath)+len(op.LinkTarget)) + opOverhead
}

// Queue is safe for many goroutines pushing and one sender taking. Push
// never blocks on the network; it blocks on the disk only to append a
// record (and, once per million sequences, to reserve more).
type Queue struct {
	mu      sync.Mutex
	mem     []*wire.Op // pending in memory, in sequence order, ahead of the disk backlog
	unacked []*wire.Op // sent, waiting for acknowledgement, in sequence order
	nextSeq uint64
	epoch   uint64
	counts  Counts
	pub     levels        // counts as scrapes read them (levels.go)
	syncs   SyncCounters  // the journal's fsyncs
	cost    int64         // this queue's share of the pool
	notify  chan struct{} // signalled when pending grows or acks free window room

	opts Opts
	pool *Pool
	j    *journal // nil: memory only
	// The disk backlog: operations after the spill point live only in
	// the journal, read back through cur when the memory ahead of them
	// is sent. While a backlog exists every push joins it, which keeps
	// the order.
	cur       *cursor
	skipBelow uint64              // backlog records at or below this are already durable on the target
	dropped   map[uint64]struct{} // backlog records DropPending discarded
	over      Overflow
	closed    bool

	resent    atomic.Int64
	discarded atomic.Int64
	// syncBroken: the journal's committer failed an fsync, so operations
	// it holds may not be durable; the queue refuses operations until
	// Reset (syncError).
	syncBroken atomic.Bool
}

// syncError is the journal's onSyncError: the queue has overflowed with a
// disk error (OnOverflow is told now; pushes are refused from the next
// one on), so the connection auto-disconnects, discards the queue and
// remirrors rather than go on claiming a durability it lacks.
func (q *Queue) syncError(err error) {
	if q.syncBroken.Swap(true) {
		return
	}
	q.opts.Log.Error("source disk queue failed: an fsync of its log failed", "dir", q.opts.Dir, "err", err)
	if q.opts.OnOverflow != nil {
		q.opts.OnOverflow(OverflowDiskError)
	}
}

// New returns an empty in-memory queue whose first sequence number is
// first (>= 1), with a private pool.
func New(first uint64) *Queue {
	if first == 0 {
		first = 1
	}
	q := &Queue{nextSeq: first, epoch: newEpoch(), notify: make(chan struct{}, 1)}
	q.opts.fill()
	q.pool = q.opts.Pool
	return q
}

func (q *Queue) signal() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

func account(c *Counts, op *wire.Op, sign int64) {
	n := op.PayloadBytes()
	if op.Mirror {
		c.OpsInMirQueue += sign
		c.BytesInMirQueue += sign * n
	} else {
		c.OpsInRepQueue += sign
		c.BytesInRepQueue += sign * n
	}
}

func (q *Queue) addCost(n int64) {
	if q.closed {
		return // Close gave the queue's share back already
	}
	q.cost += n
	q.pool.add(n)
}

// Push assigns the next sequence number to op and queues it. It returns 0
// when the queue dropped op: it has overflowed (OnOverflow was told) or
// is closed.
func (q *Queue) Push(op *wire.Op) uint64 {
	q.mu.Lock()
	seq, why := q.pushLocked(op)
	q.unlock()
	if why != OverflowNone {
		q.overflowed(why)
	}
	if seq != 0 {
		q.signal()
		q.pool.checkAlert()
	}
	return seq
}

func (q *Queue) pushLocked(op *wire.Op) (uint64, Overflow) {
	if q.syncBroken.Load() && q.over == OverflowNone {
		q.over = OverflowDiskError // told by syncError already
	}
	if q.closed || q.over != OverflowNone {
		q.discarded.Add(1)
		return 0, OverflowNone
	}
	cost := opCost(op)
	toDisk := q.cur != nil
	if !toDisk {
		belowSpill, belowLimit := q.pool.fits(cost)
		switch {
		case belowSpill:
		case q.opts.DisconnectAtThreshold:
			return 0, q.overflowLocked(OverflowThreshold)
		case q.j != nil:
			toDisk = true
		case !belowLimit:
			return 0, q.overflowLocked(OverflowMemory)
		}
	}
	seq := q.nextSeq
	if q.j != nil && seq > q.j.meta.reserved {
		if err := q.j.reserve(seq - 1 + reserveBlock); err != nil {
			if toDisk {
				return 0, q.overflowLocked(overflowOf(err))
			}
			// Without a reservation a restart could number new ops below
			// what the target holds: the journal must go.
			q.abandonJournalLocked(err)
		}
	}
	op.Seq = seq
	if q.j != nil && (toDisk || !op.Mirror) {
		// Replication ops are journaled even while memory has room, so a
		// source restart resends them; a mirror op can be remade by the
		// remirror that follows a restart, so it goes to disk only when
		// memory is short.
		pos, err := q.j.append(op)
		if err == nil && toDisk && q.cur == nil {
			err = q.openCursor(pos)
		}
		switch {
		case err == nil:
		case toDisk || q.j.syncFailedErr() != nil:
			// Out of room for the backlog, or a log that cannot be made
			// durable (a failed fsync): the queue overflows.
			op.Seq = 0
			return 0, q.overflowLocked(overflowOf(err))
		default:
			// Memory holds the op: replication goes on, but the journal
			// now misses an op, which the next start must make up for
			// with a remirror and orphan removal.
			q.j.gap(err)
		}
	}
	q.nextSeq++
	account(&q.counts, op, 1)
	if toDisk {
		q.counts.OpsInDiskQueue++
		q.counts.BytesInDiskQueue += op.PayloadBytes()
	} else {
		q.mem = append(q.mem, op)
		q.addCost(cost)
	}
	return seq, OverflowNone
}

// abandonJournalLocked stops journaling for the rest of the queue's life:
// the journal is removed, so no later start replays it (a start finding
// none begins a new epoch), and the queue goes on in memory.
func (q *Queue) abandonJournalLocked(why error) {
	q.opts.Log.Warn("source disk queue abandoned: queuing in memory only", "dir", q.opts.Dir, "err", why)
	q.pool.addDisk(-q.j.total)
	_ = q.j.close()
	if err := os.RemoveAll(q.opts.Dir); err != nil {
		q.opts.Log.Warn("removing the abandoned source disk queue", "dir", q.opts.Dir, "err", err)
	}
	q.j = nil
}

// overflowLocked marks the queue full; it returns why if this is news for
// OnOverflow.
func (q *Queue) overflowLocked(why Overflow) Overflow {
	q.discarded.Add(1)
	if q.over != OverflowNone {
		return OverflowNone
	}
	q.over = why
	return why
}

func (q *Queue) overflowed(why Overflow) {
	q.opts.Log.Warn("source queue overflowed", "reason", why.String(), "dir", q.opts.Dir)
	if q.opts.OnOverflow != nil {
		q.opts.OnOverflow(why)
	}
}

// Take removes up to max pending operations (at most maxBytes of payload, but
// always at least one) for sending, as long as fewer than window operations
// are unacknowledged. It waits until there is something to take or ctx ends.
func (q *Queue) Take(ctx context.Context, max int, maxBytes int64, window int) ([]*wire.Op, error) {
	for {
		q.mu.Lock()
		room := window - len(q.unacked)
		why := OverflowNone
		if room > 0 && len(q.mem) == 0 && q.cur != nil {
			why = q.loadLocked(min(room, q.opts.Preload))
		}
		if len(q.mem) > 0 && room > 0 {
			batch := q.takeLocked(min(max, room), maxBytes)
			q.unlock()
			if why != OverflowNone {
				q.overflowed(why)
			}
			return batch, nil
		}
		q.unlock()
		if why != OverflowNone {
			q.overflowed(why)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-q.notify:
		}
	}
}

func (q *Queue) takeLocked(max int, maxBytes int64) []*wire.Op {
	n, size := 0, int64(0)
	for n < len(q.mem) && n < max {
		b := q.mem[n].PayloadBytes()
		if n > 0 && size+b > maxBytes {
			break
		}
		size += b
		n++
	}
	batch := make([]*wire.Op, n)
	copy(batch, q.mem[:n])
	clear(q.mem[:n])
	q.mem = q.mem[n:]
	for _, op := range batch {
		account(&q.counts, op, -1)
		q.counts.OpsInAckQueue++
		q.counts.BytesInAckQueue += op.PayloadBytes()
	}
	q.unacked = append(q.unacked, batch...)
	return batch
}

// Ack releases every unacknowledged operation with a sequence <= seq, and
// the journal files holding only such operations.
func (q *Queue) Ack(seq uint64) {
	q.mu.Lock()
	n := q.ackLocked(seq)
	q.unlock()
	if n > 0 {
		q.signal()
	}
}

func (q *Queue) ackLocked(seq uint64) int {
	i := 0
	for i < len(q.unacked) && q.unacked[i].Seq <= seq {
		op := q.unacked[i]
		q.counts.OpsInAckQueue--
		q.counts.BytesInAckQueue -= op.PayloadBytes()
		q.addCost(-opCost(op))
		q.unacked[i] = nil
		if q.opts.OnAcked != nil {
			q.opts.OnAcked(op)
		}
		i++
	}
	q.unacked = q.unacked[i:]
	if q.j != nil && !q.closed {
		keep := ^uint64(0)
		if q.cur != nil {
			keep = q.cur.first
		}
		q.j.release(seq, keep)
	}
	return i
}

// Rewind puts every unacknowledged operation back in front of the pending
// ones, after first releasing those the target reports it already holds
// (durable <= seq). It returns how many operations will be sent again.
func (q *Queue) Rewind(durable uint64) int {
	q.mu.Lock()
	q.ackLocked(durable)
	n := len(q.unacked)
	if n > 0 {
		for _, op := range q.unacked {
			account(&q.counts, op, 1)
		}
		q.counts.OpsInAckQueue = 0
		q.counts.BytesInAckQueue = 0
		q.mem = append(q.unacked, q.mem...)
		q.unacked = nil
	}
	// Pending operations the target already holds (after a source
	// restart, the journal replays from its oldest record) are skipped.
	i := 0
	for i < len(q.mem) && q.mem[i].Seq <= durable {
		account(&q.counts, q.mem[i], -1)
		q.addCost(-opCost(q.mem[i]))
		q.mem[i] = nil
		i++
	}
	q.mem = q.mem[i:]
	q.skipBelow = max(q.skipBelow, durable)
	q.unlock()
	q.resent.Add(int64(n))
	q.signal()
	return n
}

// DropPending discards queued operations not yet sent, for which keep
// returns false (a stopped mirror drops its remaining mirror operations).
// Operations in the disk backlog are read to decide.
func (q *Queue) DropPending(keep func(*wire.Op) bool) int {
	q.mu.Lock()
	out := q.mem[:0]
	dropped := 0
	for _, op := range q.mem {
		if keep(op) {
			out = append(out, op)
			continue
		}
		account(&q.counts, op, -1)
		q.addCost(-opCost(op))
		dropped++
	}
	clear(q.mem[len(out):])
	q.mem = out
	n, err := q.dropBacklogLocked(keep)
	dropped += n
	var why Overflow
	if err != nil {
		why = q.overflowLocked(OverflowDiskError)
	}
	q.unlock()
	if why != OverflowNone {
		q.overflowed(why)
	}
	return dropped
}

// Reset discards everything queued, sent or not, and the journal's
// records, and ends an overflow: what comes next is numbered on from
// where the queue was. It returns how many operations were discarded.
func (q *Queue) Reset() int {
	q.mu.Lock()
	defer q.unlock()
	n := len(q.mem) + len(q.unacked) + int(q.counts.OpsInDiskQueue)
	clear(q.mem)
	clear(q.unacked)
	q.mem, q.unacked = nil, nil
	q.addCost(-q.cost)
	q.counts = Counts{}
	q.closeCursor()
	q.skipBelow = 0
	q.over = OverflowNone
	q.syncBroken.Store(false)
	if q.j != nil && !q.closed {
		if err := q.j.reset(q.nextSeq); err != nil {
			// The disk queue is unusable: go on in memory, without it.
			q.opts.Log.Warn("source disk queue disabled after an error", "dir", q.opts.Dir, "err", err)
			_ = q.j.close()
			q.j = nil
		}
	}
	return n
}

// Resent is how many operations Rewind has put back for sending again.
func (q *Queue) Resent() int64 { return q.resent.Load() }

// Discarded is how many pushed operations the queue dropped (overflowed or
// closed).
func (q *Queue) Discarded() int64 { return q.discarded.Load() }

// NextSeq is the sequence number the next Push will get.
func (q *Queue) NextSeq() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.nextSeq
}

// Epoch names the queue's sequence space to the target: the same across a
// restart that replays the journal, new otherwise.
func (q *Queue) Epoch() uint64 { return q.epoch }

// Overflowed is why the queue is refusing operations (OverflowNone when it
// is not).
func (q *Queue) Overflowed() Overflow {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.over
}

// Durable reports whether the queue keeps a journal.
func (q *Queue) Durable() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.j != nil
}

// Idle reports whether nothing is pending or unacknowledged.
func (q *Queue) Idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.mem) == 0 && len(q.unacked) == 0 && q.counts.OpsInDiskQueue == 0
}
