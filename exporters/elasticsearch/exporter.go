package elasticsearch

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	es "github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esutil"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters"
)

// Tunables that are not settings.
const (
	// subscriptionSize is the hub's buffer for this exporter; a goroutine
	// moves events from it to the document buffer at once, so it only
	// needs to absorb bursts while that goroutine is descheduled.
	subscriptionSize = 4096
	// maxAttempts bounds deliveries of a document the cluster keeps
	// rejecting with 429 or 5xx while accepting others.
	maxAttempts = 8
	// shutdownGrace is how long events are still collected after the
	// context ends: the server raises its stop events (4003, 4005) then.
	shutdownGrace = time.Second
	// closeTimeout bounds the final flush.
	closeTimeout = 5 * time.Second
	// failureLogEvery rate-limits the log of rejected documents.
	failureLogEvery = 10 * time.Second
)

// Exporter ships one server's events and statistics to Elasticsearch.
type Exporter struct {
	eng    exporters.Engine
	cfg    Config
	log    *slog.Logger
	client *es.Client
	sub    *events.Subscription
	buf    *buffer
	docs   *docBuilder
	cnt    selfCounters
	pause  backoff

	logMu   sync.Mutex
	lastLog time.Time

	// retry holds the documents of the current bulk request to be sent
	// again, in the request's order, until the request's end puts them
	// back in the buffer (requeue).
	retryMu sync.Mutex
	retry   []doc
}

// New prepares an exporter and subscribes to the engine's events at once,
// so that events raised before Run (the server's start) are not missed.
func New(eng exporters.Engine, cfg Config, log *slog.Logger) (*Exporter, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(cfg.Addresses) == 0 {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "ElasticsearchAddresses is empty")
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.Default()
	}
	e := &Exporter{eng: eng, cfg: cfg, log: log.With("exporter", "elasticsearch"),
		buf:  newBuffer(cfg.BufferSize, cfg.Overflow),
		docs: newDocBuilder(eng.Catalog(), eng.ServerName(), cfg.Namespace)}
	e.pause = backoff{base: cfg.RetryBackoff, limit: cfg.MaxBackoff}
	var err error
	if e.client, err = NewClient(cfg, func() { e.cnt.requestRetries.Add(1) }); err != nil {
		return nil, err
	}
	e.sub = eng.Subscribe(subscriptionSize, nil)
	return e, nil
}

// Run delivers documents until ctx ends, then flushes what it can within
// closeTimeout. It returns nil on a normal stop: an unreachable cluster is
// never an error, only waiting (and, past the buffer, dropped documents).
func (e *Exporter) Run(ctx context.Context) error {
	defer e.sub.Close()
	collect, stopCollect := context.WithCancel(context.Background())
	defer stopCollect()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); e.collectEvents(collect) }()
	if e.cfg.StatsInterval > 0 {
		wg.Add(1)
		go func() { defer wg.Done(); e.sampleStats(ctx) }()
	}

	bi, err := esutil.NewBulkIndexer(esutil.BulkIndexerConfig{
		Client:        e.client,
		NumWorkers:    1, // one request at a time keeps order and spares a busy cluster
		FlushBytes:    e.cfg.FlushBytes,
		FlushInterval: e.cfg.FlushInterval,
		OnFlushStart:  func(c context.Context) context.Context { e.cnt.requests.Add(1); return c },
		OnFlushEnd:    func(context.Context) { e.requeue() },
		OnError:       e.requestFailed,
	})
	if err != nil {
		return fmt.Errorf("elasticsearch: bulk indexer: %w", err)
	}
	e.installTemplates(ctx)
	e.pump(ctx, bi)

	// The server raises its stop events after ctx ends: collect them for
	// a moment, then hand everything to the indexer and flush.
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	<-grace.Done()
	cancel()
	stopCollect()
	wg.Wait()
	final, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	for {
		d, ok := e.buf.tryPop()
		if !ok || e.add(final, bi, d) != nil {
			break
		}
	}
	if err := bi.Close(final); err != nil {
		e.log.Warn("documents not flushed at stop", "err", err, "waiting", e.Counters()[CounterBufferDepth])
	}
	return nil
}

// collectEvents moves events from the subscription to the buffer until ctx
// ends. It never waits on anything but the subscription (the buffer push
// cannot block) and does no work per event beyond the push, so the hub's
// small buffer rarely fills and the overflow policy, not the hub, decides
// what a slow cluster costs.
func (e *Exporter) collectEvents(ctx context.Context) {
	index := EventsStream(e.cfg.Namespace)
	for {
		select {
		case ev := <-e.sub.C():
			e.buf.push(doc{index: index, ev: &ev})
		case <-ctx.Done():
			return
		}
	}
}

// sampleStats writes a statistics snapshot every StatsInterval, and the
// exporter's own counters with it.
func (e *Exporter) sampleStats(ctx context.Context) {
	index := StatsStream(e.cfg.Namespace)
	t := time.NewTicker(e.cfg.StatsInterval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			snap := e.eng.Snapshot()
			for _, body := range e.docs.stats(snap) {
				e.buf.push(doc{index: index, body: body})
			}
			e.buf.push(doc{index: index, body: e.docs.exporterDoc(snap.Time, e.Counters())})
		case <-ctx.Done():
			return
		}
	}
}

// pump moves documents from the buffer into the indexer, pausing while the
// cluster is failing. Add blocks while the indexer's worker is busy; that
// is this goroutine's wait, never the engine's.
func (e *Exporter) pump(ctx context.Context, bi esutil.BulkIndexer) {
	for {
		if !e.pause.wait(ctx) {
			return
		}
		d, ok := e.buf.pop(ctx)
		if !ok {
			return
		}
		if e.add(ctx, bi, d) != nil {
			return
		}
	}
}

// add hands one document to the indexer, rendering it first if it is an
// event; a document the indexer refuses (the context ended) goes back to
// the buffer.
func (e *Exporter) add(ctx context.Context, bi esutil.BulkIndexer, d doc) error {
	if d.body == nil && d.ev != nil {
		d.body, d.ev = e.docs.event(*d.ev), nil
	}
	err := bi.Add(ctx, esutil.BulkIndexerItem{
		Index:  d.index,
		Action: "create", // the only action a data stream takes
		Body:   bytes.NewReader(d.body),
		OnSuccess: func(context.Context, esutil.BulkIndexerItem, esutil.BulkIndexerResponseItem) {
			e.cnt.sent.Add(1)
			e.pause.reset()
		},
		OnFailure: func(_ context.Context, _ esutil.BulkIndexerItem, res esutil.BulkIndexerResponseItem, err error) {
			e.itemFailed(d, res, err)
		},
	})
	if err != nil {
		e.buf.pushFront(d)
	}
	return err
}

// requestFailed is told once per bulk request that failed as a whole (after
// the client's own repetitions): delivery pauses, backing off.
func (e *Exporter) requestFailed(_ context.Context, err error) {
	e.cnt.requestsFailed.Add(1)
	wait := e.pause.fail()
	e.logFailure("bulk request failed; documents kept for another attempt", "err", err, "pause", wait)
}

// itemFailed decides the fate of one document the cluster did not take.
func (e *Exporter) itemFailed(d doc, res esutil.BulkIndexerResponseItem, err error) {
	d.attempts++
	switch {
	case err != nil,
		// The whole request failed: not the document's fault.
		(res.Status == 429 || res.Status >= 500) && d.attempts < maxAttempts:
		e.cnt.retried.Add(1)
		e.retryMu.Lock()
		e.retry = append(e.retry, d)
		e.retryMu.Unlock()
		return
	}
	e.cnt.failed.Add(1)
	e.logFailure("document rejected", "index", d.index, "status", res.Status,
		"type", res.Error.Type, "reason", res.Error.Reason)
}

// requeue puts the documents of a failed request back at the front of the
// buffer in their order. It goes newest first: a request holds more
// documents than a small buffer, and when the buffer fills it is the
// oldest of them that are dropped, as the overflow policy drops the oldest
// documents, not the newest.
func (e *Exporter) requeue() {
	e.retryMu.Lock()
	docs := e.retry
	e.retry = nil
	e.retryMu.Unlock()
	for i := len(docs) - 1; i >= 0; i-- {
		e.buf.pushFront(docs[i])
	}
}

// logFailure logs at most once per failureLogEvery: an outage fails every
// request, and the counters already say how many.
func (e *Exporter) logFailure(msg string, args ...any) {
	e.logMu.Lock()
	now := time.Now()
	if now.Sub(e.lastLog) < failureLogEvery {
		e.logMu.Unlock()
		return
	}
	e.lastLog = now
	e.logMu.Unlock()
	e.log.Warn(msg, args...)
}
