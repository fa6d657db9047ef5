package queue

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/wire"
)

// Counts are the queue's levels, read by the statistics layer.
type Counts struct {
	OpsInRepQueue, OpsInMirQueue     int64
	BytesInRepQueue, BytesInMirQueue int64
	OpsInAckQueue                    int64
	BytesInAckQueue                  int64
}

// Queue is safe for one producer side (many goroutines may Push) and one
// sender. Push never blocks on the network.
type Queue struct {
	mu      sync.Mutex
	pending []*wire.Op // queued, not yet sent, in sequence order
	unacked []*wire.Op // sent, waiting for acknowledgement, in sequence order
	nextSeq uint64
	counts  Counts
	notify  chan struct{} // signalled when pending grows or acks free window room

	resent atomic.Int64
}

// New returns an empty queue whose first sequence number is first (>= 1).
func New(first uint64) *Queue {
	if first == 0 {
		first = 1
	}
	return &Queue{nextSeq: first, notify: make(chan struct{}, 1)}
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

// Push assigns the next sequence number to op and queues it.
func (q *Queue) Push(op *wire.Op) uint64 {
	q.mu.Lock()
	op.Seq = q.nextSeq
	q.nextSeq++
	q.pending = append(q.pending, op)
	account(&q.counts, op, 1)
	q.mu.Unlock()
	q.signal()
	return op.Seq
}

// Take removes up to max pending operations (at most maxBytes of payload, but
// always at least one) for sending, as long as fewer than window operations
// are unacknowledged. It waits until there is something to take or ctx ends.
func (q *Queue) Take(ctx context.Context, max int, maxBytes int64, window int) ([]*wire.Op, error) {
	for {
		q.mu.Lock()
		room := window - len(q.unacked)
		if len(q.pending) > 0 && room > 0 {
			if max > room {
				max = room
			}
			n, size := 0, int64(0)
			for n < len(q.pending) && n < max {
				b := q.pending[n].PayloadBytes()
				if n > 0 && size+b > maxBytes {
					break
				}
				size += b
				n++
			}
			batch := make([]*wire.Op, n)
			copy(batch, q.pending[:n])
			q.pending = q.pending[n:]
			for _, op := range batch {
				account(&q.counts, op, -1)
				q.counts.OpsInAckQueue++
				q.counts.BytesInAckQueue += op.PayloadBytes()
			}
			q.unacked = append(q.unacked, batch...)
			q.mu.Unlock()
			return batch, nil
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-q.notify:
		}
	}
}

// Ack releases every unacknowledged operation with a sequence <= seq.
func (q *Queue) Ack(seq uint64) {
	q.mu.Lock()
	i := 0
	for i < len(q.unacked) && q.unacked[i].Seq <= seq {
		q.counts.OpsInAckQueue--
		q.counts.BytesInAckQueue -= q.unacked[i].PayloadBytes()
		q.unacked[i] = nil
		i++
	}
	q.unacked = q.unacked[i:]
	q.mu.Unlock()
	if i > 0 {
		q.signal()
	}
}

// Rewind puts every unacknowledged operation back in front of the pending
// ones, after first releasing those the target reports it already holds
// (durable <= seq). It returns how many operations will be sent again.
func (q *Queue) Rewind(durable uint64) int {
	q.Ack(durable)
	q.mu.Lock()
	n := len(q.unacked)
	if n > 0 {
		for _, op := range q.unacked {
			account(&q.counts, op, 1)
		}
		q.counts.OpsInAckQueue = 0
		q.counts.BytesInAckQueue = 0
		q.pending = append(q.unacked, q.pending...)
		q.unacked = nil
	}
	q.mu.Unlock()
	q.resent.Add(int64(n))
	q.signal()
	return n
}

// DropPending discards queued operations not yet sent, for which keep
// returns false (a stopped mirror drops its remaining mirror operations).
func (q *Queue) DropPending(keep func(*wire.Op) bool) int {
	q.mu.Lock()
	out := q.pending[:0]
	dropped := 0
	for _, op := range q.pending {
		if keep(op) {
			out = append(out, op)
			continue
		}
		account(&q.counts, op, -1)
		dropped++
	}
	for i := len(out); i < len(q.pending); i++ {
		q.pending[i] = nil
	}
	q.pending = out
	q.mu.Unlock()
	return dropped
}

// Counts returns the current levels.
func (q *Queue) Counts() Counts {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.counts
}

// Resent is how many operations Rewind has put back for sending again.
func (q *Queue) Resent() int64 { return q.resent.Load() }

// NextSeq is the sequence number the next Push will get.
func (q *Queue) NextSeq() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.nextSeq
}

// Idle reports whether nothing is pending or unacknowledged.
func (q *Queue) Idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending) == 0 && len(q.unacked) == 0
}
