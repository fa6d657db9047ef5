package eventlog

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters"
)

// Writer puts events in one OS event log. A Consumer calls Write from one
// goroutine at a time. An error means the event was not written and the
// receiver is to be reached again (Close, then the next Write reconnects);
// the Consumer retries the same event, so events wait in the writer's
// subscription (bounded, drops counted) instead of being lost to a short
// outage.
type Writer interface {
	Name() string
	Write(ev events.Event) error
	Close() error
}

// Retry pauses after a failed write: they double from minRetry to maxRetry,
// so a receiver that is down costs a few attempts per second at most.
const (
	minRetry = 50 * time.Millisecond
	maxRetry = 5 * time.Second
	// DefaultBuffer is each writer's subscription buffer (events).
	DefaultBuffer = 4096
	// drainTimeout bounds the last writes when the consumer stops.
	drainTimeout = 2 * time.Second
	// writeTimeout bounds one write: a receiver that stops reading turns
	// into an error (and a retry) rather than a writer stuck forever.
	writeTimeout = 5 * time.Second
)

// Consumer feeds each writer from a subscription of its own, so a stopped
// receiver delays only its own writer and costs the engine nothing: the
// hub never waits on a full buffer, it drops and counts.
type Consumer struct {
	eng    exporters.Engine
	log    *slog.Logger
	outs   []*output
	closed chan struct{}
}

// output is one writer with its subscription and counters.
type output struct {
	w       Writer
	sub     *events.Subscription
	written atomic.Uint64
	errs    atomic.Uint64
	refused atomic.Uint64 // events the writer can never write
	lost    atomic.Uint64 // events still unwritten when the consumer stopped
	up      atomic.Bool   // the last write succeeded
}

// Route is one writer and the levels it takes.
type Route struct {
	Writer Writer
	Levels LevelSet
}

// NewConsumer subscribes each route's writer to the engine's events at once
// (so events raised before Run are kept), with a buffer of size events.
func NewConsumer(eng exporters.Engine, routes []Route, size int, log *slog.Logger) *Consumer {
	if log == nil {
		log = slog.Default()
	}
	if size <= 0 {
		size = DefaultBuffer
	}
	c := &Consumer{eng: eng, log: log.With("exporter", "eventlog"), closed: make(chan struct{})}
	for _, r := range routes {
		levels := r.Levels
		o := &output{w: r.Writer, sub: eng.Subscribe(size, func(ev events.Event) bool { return levels.Has(ev.Level) })}
		o.up.Store(true)
		c.outs = append(c.outs, o)
	}
	return c
}

// Run writes events until ctx ends. Each writer runs in a goroutine of its
// own, which Run waits for; the writers are closed before Run returns.
func (c *Consumer) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for _, o := range c.outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.feed(ctx, o)
		}()
	}
	wg.Wait()
	var errs []error
	for _, o := range c.outs {
		o.sub.Close()
		errs = append(errs, o.w.Close())
	}
	return errors.Join(errs...)
}

// feed writes o's events in order, retrying a failed one with a growing
// pause until it is written or ctx ends.
func (c *Consumer) feed(ctx context.Context, o *output) {
	pause := minRetry
	for {
		var ev events.Event
		select {
		case ev = <-o.sub.C():
		case <-ctx.Done():
			c.drain(o)
			return
		}
		for {
			err := o.w.Write(ev)
			if err == nil {
				o.written.Add(1)
				if !o.up.Swap(true) {
					c.log.Info("event log writer delivers again", "writer", o.w.Name())
				}
				pause = minRetry
				break
			}
			o.errs.Add(1)
			if isUnwritable(err) {
				o.refused.Add(1)
				c.log.Warn("event log writer refused an event", "writer", o.w.Name(), "err", err)
				break
			}
			_ = o.w.Close()
			if o.up.Swap(false) {
				c.log.Warn("event log writer failed; retrying, events wait in its buffer",
					"writer", o.w.Name(), "err", err)
			}
			t := time.NewTimer(pause)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				o.lost.Add(1 + uint64(len(o.sub.C())))
				return
			}
			pause = min(2*pause, maxRetry)
		}
	}
}

// drain writes what is still buffered when the consumer stops (a server
// raises its stop events just before), each event once and for at most
// drainTimeout; whatever fails or does not fit is counted as lost.
func (c *Consumer) drain(o *output) {
	deadline := time.Now().Add(drainTimeout)
	for time.Now().Before(deadline) {
		select {
		case ev := <-o.sub.C():
			if err := o.w.Write(ev); err != nil {
				o.errs.Add(1)
				o.lost.Add(1 + uint64(len(o.sub.C())))
				return
			}
			o.written.Add(1)
		default:
			return
		}
	}
	o.lost.Add(uint64(len(o.sub.C())))
}

// WriterStats are one writer's counters.
type WriterStats struct {
	Writer   string
	Written  uint64 // events the receiver took
	Errors   uint64 // failed attempts (each retried unless refused)
	Refused  uint64 // events the writer can never write (not retried)
	Dropped  uint64 // events the hub dropped because the writer's buffer was full
	Lost     uint64 // events still waiting when the consumer stopped
	Buffered int    // events waiting now
	Up       bool   // the last attempt succeeded
}

// Stats returns every writer's counters; cheap and safe from any goroutine.
func (c *Consumer) Stats() []WriterStats {
	out := make([]WriterStats, len(c.outs))
	for i, o := range c.outs {
		out[i] = WriterStats{Writer: o.w.Name(), Written: o.written.Load(), Errors: o.errs.Load(), Refused: o.refused.Load(),
			Dropped: o.sub.Dropped(), Lost: o.lost.Load(), Buffered: len(o.sub.C()), Up: o.up.Load()}
	}
	return out
}
