package elasticsearch

import (
	"context"
	"sync"
	"time"
)

// backoff is the delivery pause after failed requests: base, doubled on
// each failure up to limit, cleared by the first success.
type backoff struct {
	base, limit time.Duration

	mu    sync.Mutex
	cur   time.Duration
	until time.Time
}

// fail lengthens the pause and returns it.
func (b *backoff) fail() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur == 0 {
		b.cur = b.base
	} else {
		b.cur = min(2*b.cur, b.limit)
	}
	b.until = time.Now().Add(b.cur)
	return b.cur
}

// reset ends the pause.
func (b *backoff) reset() {
	b.mu.Lock()
	b.cur, b.until = 0, time.Time{}
	b.mu.Unlock()
}

// wait sleeps out the current pause; false if ctx ended first.
func (b *backoff) wait(ctx context.Context) bool {
	for {
		b.mu.Lock()
		d := time.Until(b.until)
		b.mu.Unlock()
		if d <= 0 {
			return ctx.Err() == nil
		}
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false
		}
	}
}
