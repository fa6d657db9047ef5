package capture

// queue holds records the consumer has not taken yet, in order, merging a
// new record into an earlier one for the same path when the earlier one
// already makes the consumer look at everything the new one would.
//
// Merging never crosses a Remove, Rename or Rescan (a barrier): those change
// what a path refers to, so a Write before one and a Write after one are
// about different files even when the path is the same.
type queue struct {
	items   []Change
	head    int               // index of the oldest undelivered record
	seq0    uint64            // sequence number of items[0]
	last    map[string]uint64 // path -> sequence number of its newest mergeable record
	barrier uint64            // sequence number + 1 of the newest barrier
}

func newQueue() *queue { return &queue{last: map[string]uint64{}} }

func (q *queue) len() int { return len(q.items) - q.head }

func (q *queue) front() Change { return q.items[q.head] }

// push appends c, or merges it and reports true.
func (q *queue) push(c Change) (merged bool) {
	switch c.Kind {
	case Remove, Rename, Rescan:
		q.items = append(q.items, c)
		q.barrier = q.seq0 + uint64(len(q.items))
		return false
	}
	if s, ok := q.last[c.Path]; ok && s+1 > q.barrier && s >= q.seq0+uint64(q.head) {
		prev := &q.items[s-q.seq0]
		if absorbs(prev, c) {
			return true
		}
	}
	q.items = append(q.items, c)
	q.last[c.Path] = q.seq0 + uint64(len(q.items)-1)
	return false
}

// absorbs reports whether delivering prev makes c redundant: the consumer
// reads the file system when it handles a record, so a pending Create
// already covers later writes and attribute changes of the same entry.
func absorbs(prev *Change, c Change) bool {
	if prev.IsDir != c.IsDir {
		return false
	}
	switch prev.Kind {
	case Create:
		return true
	case Write:
		return c.Kind == Write
	case Chmod:
		return c.Kind == Chmod
	}
	return false
}

// pop drops the front record after delivery.
func (q *queue) pop() {
	c := q.items[q.head]
	seq := q.seq0 + uint64(q.head)
	if s, ok := q.last[c.Path]; ok && s == seq {
		delete(q.last, c.Path)
	}
	q.items[q.head] = Change{}
	q.head++
	// Reclaim the delivered prefix once it dominates the slice.
	if q.head >= 1024 && q.head*2 >= len(q.items) {
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items = q.items[:n]
		q.seq0 += uint64(q.head)
		q.head = 0
	}
}

// reset drops every undelivered record and returns how many there were.
func (q *queue) reset() int {
	n := q.len()
	q.seq0 += uint64(len(q.items))
	q.items = nil
	q.head = 0
	clear(q.last)
	q.barrier = q.seq0
	return n
}
