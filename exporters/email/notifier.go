package email

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters"
)

// Tunables that are not settings.
const (
	// subscriptionSize is the hub's buffer for this notifier; a goroutine
	// moves selected events from it to the pending list at once.
	subscriptionSize = 1024
	// maxEventsPerMessage bounds one digest; more events wait for the next.
	maxEventsPerMessage = 200
	// shutdownGrace is how long events are still collected after the
	// context ends: the server raises its stop events then.
	shutdownGrace = time.Second
	// closeTimeout bounds the last attempt, at stop, to send what waits.
	closeTimeout = 5 * time.Second
)

// Notifier sends one server's selected events by e-mail.
type Notifier struct {
	cfg     Config
	log     *slog.Logger
	sub     *events.Subscription
	pending *pending
	compose composer
	send    sender
	cnt     selfCounters
	status  atomic.Int64 // chapter 5 code of the last attempt; 0 before the first
}

// New prepares a notifier and subscribes to the engine's events at once,
// so that events raised before Run (the server's start) are not missed.
func New(eng exporters.Engine, cfg Config, log *slog.Logger) (*Notifier, error) {
	if !cfg.Enabled() {
		return nil, catalog.Err(CodeDisabled, "EmailServer is empty")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.Default()
	}
	n := &Notifier{
		cfg: cfg, log: log.With("exporter", "email"),
		pending: newPending(cfg.BufferSize),
		compose: composer{cat: eng.Catalog(), server: eng.ServerName(), from: cfg.From, to: cfg.To, prefix: cfg.Prefix},
		send:    sender{cfg: cfg},
	}
	n.sub = eng.Subscribe(subscriptionSize, cfg.Selection.Selects)
	return n, nil
}

// Run sends digests until ctx ends, then makes one last attempt, within
// closeTimeout, at what still waits. It returns nil on a normal stop: an
// unreachable server is never an error, only retries, counters and the
// chapter 5 codes in the log.
func (n *Notifier) Run(ctx context.Context) error {
	defer n.sub.Close()
	n.log.Info(catalog.Err(CodeEnabled, "events go to %s through %s", strings.Join(n.cfg.To, ", "), n.cfg).Error())
	collect, stopCollect := context.WithCancel(context.Background())
	defer stopCollect()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); n.collect(collect) }()

	carry := n.deliver(ctx)

	grace := time.NewTimer(shutdownGrace)
	<-grace.C
	stopCollect()
	wg.Wait()
	final, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	for final.Err() == nil {
		evs, dropped := n.pending.take(maxEventsPerMessage - len(carry.events))
		carry.events, carry.dropped = append(carry.events, evs...), carry.dropped+dropped
		if len(carry.events) == 0 {
			break
		}
		if err := n.attempt(final, carry, min(n.cfg.Timeout, closeTimeout)); err != nil {
			n.giveUp(carry, err)
			break
		}
		carry = digest{}
	}
	n.log.Info(catalog.Err(CodeDisabled, "stopped").Error(), "messages_sent", n.cnt.messagesSent.Load(),
		"messages_failed", n.cnt.messagesFailed.Load(), "events_dropped", n.pending.dropped())
	return nil
}

// collect moves selected events from the subscription to the pending list
// until ctx ends. It never waits on anything but the subscription.
func (n *Notifier) collect(ctx context.Context) {
	for {
		select {
		case ev := <-n.sub.C():
			n.pending.add(ev)
		case <-ctx.Done():
			return
		}
	}
}

// deliver sends digests until ctx ends and returns the one it was still
// trying to send then, if any.
func (n *Notifier) deliver(ctx context.Context) digest {
	for {
		if !n.pending.wait(ctx) {
			return digest{}
		}
		if n.cfg.Digest > 0 && !sleep(ctx, n.cfg.Digest) {
			return digest{}
		}
		evs, dropped := n.pending.take(maxEventsPerMessage)
		if d, ok := n.sendWithRetries(ctx, digest{events: evs, dropped: dropped}); !ok {
			return d
		}
	}
}

// sendWithRetries sends d, retrying with backoff while the failure may be
// temporary and attempts remain; events raised meanwhile join the retried
// message, so an outage costs one message, not one per event. It returns
// false, with the digest, when ctx ended first.
func (n *Notifier) sendWithRetries(ctx context.Context, d digest) (digest, bool) {
	pause := n.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		err := n.attempt(ctx, d, n.cfg.Timeout)
		if err == nil {
			return digest{}, true
		}
		if permanent(err) || attempt >= n.cfg.Retries {
			n.giveUp(d, err)
			return digest{}, true
		}
		n.cnt.retries.Add(1)
		if !sleep(ctx, pause) {
			return d, false
		}
		pause = min(2*pause, n.cfg.MaxBackoff)
		more, dropped := n.pending.take(maxEventsPerMessage - len(d.events))
		d.events, d.dropped = append(d.events, more...), d.dropped+dropped
	}
}

// attempt makes one attempt at sending d and records its outcome.
func (n *Notifier) attempt(ctx context.Context, d digest, timeout time.Duration) error {
	m, err := n.compose.compose(d)
	if err != nil {
		return err
	}
	n.cnt.attempts.Add(1)
	res, err := n.send.send(ctx, m, n.cfg.To, timeout)
	if len(res.rejected) > 0 {
		n.cnt.recipientsRejected.Add(int64(len(res.rejected)))
		n.log.Warn(catalog.Err(CodeAddressNotExist, "%s refused %s", n.cfg, strings.Join(res.rejected, ", ")).Error())
	}
	if err != nil {
		n.cnt.attemptsFailed.Add(1)
		if prev := n.status.Swap(int64(catalog.CodeOf(err))); prev != int64(catalog.CodeOf(err)) {
			n.log.Warn(err.Error(), "events", len(d.events))
		}
		return err
	}
	n.cnt.messagesSent.Add(1)
	n.cnt.eventsSent.Add(int64(len(d.events)))
	if prev := n.status.Swap(CodeWorking); prev != CodeWorking {
		n.log.Info(catalog.Err(CodeWorking, "message with %d events sent through %s", len(d.events), n.cfg).Error())
	}
	return nil
}

// giveUp drops a digest that cannot be sent.
func (n *Notifier) giveUp(d digest, err error) {
	n.cnt.messagesFailed.Add(1)
	n.cnt.eventsFailed.Add(int64(len(d.events)))
	n.log.Error(catalog.Wrap(CodeSending, err, "%d events not sent", len(d.events)).Error())
}

// Status is the chapter 5 code of the last attempt: 2200 when it sent, the
// failure's code (2201, 2202, 2207, 2216) when it did not, 0 before any.
func (n *Notifier) Status() int { return int(n.status.Load()) }

// sleep waits d; false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
