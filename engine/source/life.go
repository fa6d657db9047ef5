package source

import (
	"context"
	"sync"
)

// life owns the goroutines a connection starts beyond one session: the
// replicator, the schedule, mirrors and activities a request or the engine
// starts. Each runs under the connection's context and Run waits for all
// of them before it returns, so none outlives the connection and none is
// started from a request's own (short) context.
type life struct {
	ctx    context.Context // ends when Run ends
	cancel context.CancelFunc
	mu     sync.Mutex
	ended  bool
	wg     sync.WaitGroup
}

func (l *life) init() { l.ctx, l.cancel = context.WithCancel(context.Background()) }

// spawn runs f on its own goroutine under the connection's context; it
// reports false (and runs nothing) once the connection has ended.
func (l *life) spawn(f func(ctx context.Context)) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.ended {
		return false
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		f(l.ctx)
	}()
	return true
}

// end cancels every goroutine spawned and waits for them.
func (l *life) end() {
	l.mu.Lock()
	l.ended = true
	l.mu.Unlock()
	l.cancel()
	l.wg.Wait()
}

// spawnOrRun runs f on a goroutine the connection owns, or at once when the
// connection has ended (f then finds its context done).
func (c *Connection) spawnOrRun(f func()) {
	if !c.life.spawn(func(context.Context) { f() }) {
		f()
	}
}
