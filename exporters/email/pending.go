package email

import (
	"context"
	"sync"

	"github.com/dtrep/dtrep/engine/events"
)

// pending holds the selected events not yet sent, oldest first, between
// the goroutine taking them off the hub (which never waits) and the one
// sending. Past its bound it drops the oldest event, counting it: a long
// outage keeps the newest events, and the next message says how many went.
type pending struct {
	mu     sync.Mutex
	evs    []events.Event
	limit  int
	ready  chan struct{} // signalled (non-blocking) when an event arrives
	unsent int64         // dropped since the last take
	total  int64         // dropped in all
}

func newPending(limit int) *pending {
	return &pending{limit: limit, ready: make(chan struct{}, 1)}
}

// add appends ev, dropping the oldest event when full.
func (p *pending) add(ev events.Event) {
	p.mu.Lock()
	if len(p.evs) >= p.limit {
		p.evs[0] = events.Event{}
		p.evs = p.evs[1:]
		p.unsent++
		p.total++
	}
	p.evs = append(p.evs, ev)
	p.mu.Unlock()
	select {
	case p.ready <- struct{}{}:
	default:
	}
}

// wait returns when an event is waiting, or false when ctx ends first.
func (p *pending) wait(ctx context.Context) bool {
	for {
		if p.len() > 0 {
			return true
		}
		select {
		case <-p.ready:
		case <-ctx.Done():
			return false
		}
	}
}

// take removes up to n of the oldest events and the count of events
// dropped since the last take.
func (p *pending) take(n int) ([]events.Event, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n = min(n, len(p.evs))
	out := make([]events.Event, n)
	copy(out, p.evs[:n])
	clear(p.evs[:n])
	p.evs = p.evs[n:]
	dropped := p.unsent
	p.unsent = 0
	return out, dropped
}

func (p *pending) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.evs)
}

// dropped is the number of events dropped in all.
func (p *pending) dropped() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total
}
