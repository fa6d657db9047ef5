package queue

import (
	"errors"
	"fmt"
	"io"

	"github.com/dtrep/dtrep/engine/wire"
)

// cursor reads the disk backlog back, record by record, across segments.
type cursor struct {
	r     *recReader
	first uint64 // the segment being read
}

// openCursor starts reading the backlog at p.
func (q *Queue) openCursor(p position) error {
	c, err := q.j.cursorAt(p)
	if err != nil {
		return err
	}
	q.cur = c
	return nil
}

func (q *Queue) closeCursor() {
	if q.cur != nil {
		q.cur.r.close()
		q.cur = nil
	}
	q.dropped = nil
}

// cursorAt opens a reader positioned at p.
func (j *journal) cursorAt(p position) (*cursor, error) {
	i := j.segmentIndex(p.first)
	if i < 0 {
		return nil, fmt.Errorf("queue log segment %d is gone: %w", p.first, errCorrupt)
	}
	s := j.segs[i]
	r, err := openSegment(s.path, j.meta.epoch, s.first, s.size)
	if err != nil {
		return nil, err
	}
	if p.off > 0 {
		r.off, r.crc = p.off, p.crc
	}
	return &cursor{r: r, first: s.first}, nil
}

// next reads the record after c, moving to the next segment at the end of
// one; io.EOF means c has read everything written so far.
func (j *journal) next(c *cursor) (*wire.Op, error) {
	for {
		i := j.segmentIndex(c.first)
		if i < 0 {
			return nil, fmt.Errorf("queue log segment %d vanished while read: %w", c.first, errCorrupt)
		}
		c.r.end = j.segs[i].size
		op, _, err := c.r.next()
		if !errors.Is(err, io.EOF) {
			return op, err
		}
		if i == len(j.segs)-1 {
			return nil, io.EOF
		}
		s := j.segs[i+1]
		r, err := openSegment(s.path, j.meta.epoch, s.first, s.size)
		if err != nil {
			return nil, err
		}
		c.r.close()
		c.r, c.first = r, s.first
	}
}

// loadLocked moves up to n backlog operations into memory, in order,
// skipping those the target holds already and those DropPending removed.
func (q *Queue) loadLocked(n int) Overflow {
	loaded := 0
	for loaded < n && q.counts.OpsInDiskQueue > 0 {
		op, err := q.j.next(q.cur)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = fmt.Errorf("queue log ends with %d operations still to read: %w", q.counts.OpsInDiskQueue, errCorrupt)
			}
			q.opts.Log.Error("reading the source disk queue", "dir", q.opts.Dir, "err", err)
			return q.overflowLocked(OverflowDiskError)
		}
		q.j.stats.Read++
		if _, gone := q.dropped[op.Seq]; gone {
			delete(q.dropped, op.Seq) // already taken off the counts
			q.j.stats.Skipped++
			continue
		}
		q.counts.OpsInDiskQueue--
		q.counts.BytesInDiskQueue -= op.PayloadBytes()
		if op.Seq <= q.skipBelow {
			account(&q.counts, op, -1)
			q.j.stats.Skipped++
			continue
		}
		q.mem = append(q.mem, op)
		q.addCost(opCost(op))
		loaded++
	}
	if q.counts.OpsInDiskQueue == 0 {
		q.closeCursor()
	}
	return OverflowNone
}

// dropBacklogLocked reads the backlog ahead of the cursor and marks the
// operations keep rejects as dropped.
func (q *Queue) dropBacklogLocked(keep func(*wire.Op) bool) (int, error) {
	if q.cur == nil {
		return 0, nil
	}
	c, err := q.j.cursorAt(position{first: q.cur.first, off: q.cur.r.off, crc: q.cur.r.crc})
	if err != nil {
		return 0, err
	}
	defer c.r.close()
	dropped := 0
	for {
		op, err := q.j.next(c)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return dropped, err
		}
		if _, gone := q.dropped[op.Seq]; gone || op.Seq <= q.skipBelow || keep(op) {
			continue
		}
		if q.dropped == nil {
			q.dropped = map[uint64]struct{}{}
		}
		q.dropped[op.Seq] = struct{}{}
		account(&q.counts, op, -1)
		q.counts.OpsInDiskQueue--
		q.counts.BytesInDiskQueue -= op.PayloadBytes()
		dropped++
	}
	if q.counts.OpsInDiskQueue == 0 {
		q.closeCursor()
	}
	return dropped, nil
}
