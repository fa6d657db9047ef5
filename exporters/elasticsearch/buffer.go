package elasticsearch

import (
	"context"
	"sync"

	"github.com/dtrep/dtrep/engine/events"
)

// doc is one document waiting for delivery.
type doc struct {
	index string
	// body is the rendered document; nil for an event not rendered yet
	// (ev): rendering waits for the delivery goroutine so that taking an
	// event off the hub's subscription costs next to nothing.
	body     []byte
	ev       *events.Event
	attempts int // deliveries tried so far
}

// size approximates the memory a waiting document holds.
func (d doc) size() int64 {
	if d.body != nil || d.ev == nil {
		return int64(len(d.body))
	}
	n := len(d.ev.Message) + len(d.ev.Job) + len(d.ev.RepSet) + len(d.ev.Peer)
	for _, a := range d.ev.Args {
		n += len(a)
	}
	return int64(n)
}

// buffer is the bounded queue between the engine's side (event and
// statistics documents, pushed without ever blocking) and the single
// goroutine that feeds the bulk indexer. It is a ring: when full, the
// overflow policy drops the oldest document (the front) or the new one.
type buffer struct {
	mu      sync.Mutex
	ring    []doc
	head, n int
	bytes   int64
	oldest  bool          // drop the oldest rather than the newest
	ready   chan struct{} // signalled (non-blocking) when a document arrives

	dropped int64
}

func newBuffer(size int, policy string) *buffer {
	return &buffer{ring: make([]doc, size), oldest: policy != DropNewest, ready: make(chan struct{}, 1)}
}

// push adds a new document at the back. It reports false when the document
// (or, dropping the oldest, another one) was dropped.
func (b *buffer) push(d doc) bool {
	b.mu.Lock()
	ok := true
	if b.n == len(b.ring) {
		ok = false
		b.dropped++
		if !b.oldest {
			b.mu.Unlock()
			return false
		}
		b.popLocked()
	}
	b.ring[(b.head+b.n)%len(b.ring)] = d
	b.n++
	b.bytes += d.size()
	b.mu.Unlock()
	b.signal()
	return ok
}

// pushFront puts a document that failed delivery back at the front, so it
// is sent again before newer ones. On a full buffer it competes as the
// oldest document: it is the one dropped, whatever the policy, since the
// newer documents have not yet had their chance.
func (b *buffer) pushFront(d doc) bool {
	b.mu.Lock()
	if b.n == len(b.ring) {
		b.dropped++
		b.mu.Unlock()
		return false
	}
	b.head = (b.head - 1 + len(b.ring)) % len(b.ring)
	b.ring[b.head] = d
	b.n++
	b.bytes += d.size()
	b.mu.Unlock()
	b.signal()
	return true
}

func (b *buffer) signal() {
	select {
	case b.ready <- struct{}{}:
	default:
	}
}

func (b *buffer) popLocked() doc {
	d := b.ring[b.head]
	b.ring[b.head] = doc{} // let the body be collected
	b.head = (b.head + 1) % len(b.ring)
	b.n--
	b.bytes -= d.size()
	return d
}

// pop waits for a document until ctx ends.
func (b *buffer) pop(ctx context.Context) (doc, bool) {
	for {
		b.mu.Lock()
		if b.n > 0 {
			d := b.popLocked()
			b.mu.Unlock()
			return d, true
		}
		b.mu.Unlock()
		select {
		case <-b.ready:
		case <-ctx.Done():
			return doc{}, false
		}
	}
}

// tryPop takes a document if one is waiting.
func (b *buffer) tryPop() (doc, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n == 0 {
		return doc{}, false
	}
	return b.popLocked(), true
}

// depth reports the documents and bytes waiting and the documents dropped.
func (b *buffer) depth() (docs int, bytes int64, dropped int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n, b.bytes, b.dropped
}
