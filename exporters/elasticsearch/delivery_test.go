package elasticsearch

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/status"
)

// fakeEngine is the exporters.Engine of a server without replication.
type fakeEngine struct {
	cat *catalog.Catalog
	hub *events.Hub
	reg *stats.Registry
}

func newFakeEngine() *fakeEngine {
	cat := catalog.Must()
	return &fakeEngine{cat: cat, hub: events.NewHub(cat), reg: stats.NewRegistry()}
}

func (e *fakeEngine) Catalog() *catalog.Catalog { return e.cat }
func (e *fakeEngine) Snapshot() stats.Snapshot  { return e.reg.Snapshot() }
func (e *fakeEngine) ServerName() string        { return "fake" }
func (e *fakeEngine) Status() status.Snapshot   { return status.Snapshot{} }
func (e *fakeEngine) HubStats() events.HubStats { return e.hub.Stats() }
func (e *fakeEngine) Subscribe(size int, filter func(events.Event) bool) *events.Subscription {
	return e.hub.Subscribe(size, filter)
}

// testConfig is a quick configuration against addr: small flushes, short
// pauses, no statistics unless asked.
func testConfig(addr string, bufferSize int) Config {
	return Config{
		Addresses: []string{addr}, Namespace: "test", FlushBytes: 1 << 20,
		FlushInterval: 20 * time.Millisecond, BufferSize: bufferSize, Overflow: DropOldest,
		RetryBackoff: 5 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, MaxRetries: 2,
	}
}

// running is an exporter under test.
type running struct {
	exp    *Exporter
	eng    *fakeEngine
	cancel context.CancelFunc
	done   chan struct{}
}

func startExporter(t *testing.T, cfg Config) *running {
	t.Helper()
	eng := newFakeEngine()
	exp, err := New(eng, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{exp: exp, eng: eng, cancel: cancel, done: make(chan struct{})}
	go func() { defer close(r.done); exp.Run(ctx) }()
	t.Cleanup(r.stop)
	return r
}

func (r *running) stop() {
	r.cancel()
	<-r.done
}

// raise raises n distinct events (4016 carries a counter in %4) and
// reports how long the engine was held up in Raise in total. It keeps
// within the hub's subscription buffer (as an engine raising events at its
// own pace does) so that what a test sees dropped is the exporter's
// buffer's doing, not a burst outrunning a descheduled goroutine.
func (r *running) raise(n, from int) time.Duration {
	var held time.Duration
	for i := from; i < from+n; i++ {
		start := time.Now()
		r.eng.hub.Raise(catalog.EventDoubleTake4016, events.Context{ConnID: 1, Job: "j"},
			"t", "t:1", "set", "n"+strconv.Itoa(i))
		held += time.Since(start)
		for len(r.exp.sub.C()) > subscriptionSize/2 {
			time.Sleep(100 * time.Microsecond)
		}
	}
	return held
}

// waitFor polls cond until the deadline.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached after %s", what, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestDeliveryAndTemplatesFirst(t *testing.T) {
	es := newFakeES(t)
	r := startExporter(t, testConfig(es.srv.URL, 1000))
	r.raise(50, 0)
	waitFor(t, "50 sent", 10*time.Second, func() bool { return r.exp.Counters()[CounterSent] == 50 })
	_, stored, installed := es.snapshot()
	if strings.Join(installed, " ") != "/_ilm/policy/dtrep-events /_ilm/policy/dtrep-stats "+
		"/_index_template/logs-dtrep.events /_index_template/metrics-dtrep.stats" {
		t.Errorf("installed %v", installed)
	}
	if !strings.Contains(stored[0], `"params":{"param1":"t","param2":"t:1","param3":"set","param4":"n0"}`) {
		t.Errorf("first document %s", stored[0])
	}
	es.mu.Lock()
	if es.indexes["logs-dtrep.events-test"] != 50 {
		t.Errorf("indexes %v", es.indexes)
	}
	es.mu.Unlock()
	c := r.exp.Counters()
	if c[CounterSent] != 50 || c[CounterFailed] != 0 || c[CounterDropped] != 0 || c[CounterRequests] == 0 {
		t.Errorf("counters %v", c)
	}
}

// Items rejected one by one: 400s are failed for good, a 429 is sent again
// and then stored; the rest of the request is stored once.
func TestItemRejections(t *testing.T) {
	es := newFakeES(t)
	es.itemStatus = func(body string, attempt int) int {
		switch {
		case strings.Contains(body, `"param4":"n3"`), strings.Contains(body, `"param4":"n7"`):
			return 400
		case strings.Contains(body, `"param4":"n5"`) && attempt < 3:
			return 429
		}
		return 201
	}
	r := startExporter(t, testConfig(es.srv.URL, 1000))
	r.raise(10, 0)
	waitFor(t, "8 stored", 10*time.Second, func() bool { _, s, _ := es.snapshot(); return len(s) == 8 })
	waitFor(t, "counters settle", 10*time.Second, func() bool {
		c := r.exp.Counters()
		return c[CounterSent] == 8 && c[CounterFailed] == 2
	})
	c := r.exp.Counters()
	if c[CounterRetried] != 2 || c[CounterBufferDepth] != 0 {
		t.Errorf("counters %v: want 2 retries of the 429 item, empty buffer", c)
	}
	_, stored, _ := es.snapshot()
	seen := map[string]int{}
	for _, s := range stored {
		seen[s]++
	}
	for s, n := range seen {
		if n != 1 {
			t.Errorf("stored %d times: %s", n, s)
		}
	}
}

// A whole request answered 429 is repeated by the client, after a pause,
// and nothing is lost or duplicated.
func TestTooManyRequestsThenSuccess(t *testing.T) {
	es := newFakeES(t)
	es.bulkStatus = func(n int) int {
		if n <= 2 {
			return 429
		}
		return 0
	}
	r := startExporter(t, testConfig(es.srv.URL, 1000))
	r.raise(20, 0)
	waitFor(t, "20 sent", 10*time.Second, func() bool { return r.exp.Counters()[CounterSent] == 20 })
	if _, s, _ := es.snapshot(); len(s) != 20 {
		t.Errorf("%d stored, want 20", len(s))
	}
	c := r.exp.Counters()
	if c[CounterRequestRetries] < 2 || c[CounterFailed] != 0 || c[CounterSent] != 20 {
		t.Errorf("counters %v: want >= 2 request retries, 20 sent", c)
	}
}

// An outage longer than the buffer holds: the engine is never held up,
// the buffer stays at its size and drops the oldest documents (counted),
// and after recovery the newest documents arrive.
func TestOutageLongerThanBuffer(t *testing.T) {
	es := newFakeES(t)
	down := true
	es.bulkStatus = func(int) int {
		if down {
			return 503
		}
		return 0
	}
	const bufSize = 50
	r := startExporter(t, testConfig(es.srv.URL, bufSize))
	waitFor(t, "first failing request", 10*time.Second, func() bool {
		r.raise(1, 0)
		n, _, _ := es.snapshot()
		return n > 0
	})
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	const outage = 5000
	held := r.raise(outage, 1)
	if held > 5*time.Second {
		t.Errorf("Raise held the engine %s for %d events with the cluster down", held, outage)
	}
	// Drops happen in the buffer (dropped) and, when the burst outruns
	// the goroutine rendering documents, in the hub (events_lost).
	waitFor(t, "drops counted", 10*time.Second, func() bool {
		c := r.exp.Counters()
		return c[CounterDropped]+c[CounterEventsLost] >= outage-2*bufSize && c[CounterRequestsFailed] > 0
	})
	c := r.exp.Counters()
	if c[CounterBufferDepth] > bufSize || c[CounterSent] != 0 || c[CounterRequestsFailed] == 0 {
		t.Errorf("during the outage: %v", c)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	// 5,000 documents of ~1 KB would be 5 MB; the buffer keeps 50.
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 2<<20 {
		t.Errorf("heap grew %d bytes during the outage", grown)
	}

	es.set(func() { down = false })
	waitFor(t, "buffer drained", 20*time.Second, func() bool {
		c := r.exp.Counters()
		return c[CounterBufferDepth] == 0 && c[CounterSent] > 0
	})
	r.raise(5, 100000)
	waitFor(t, "post-recovery events stored", 10*time.Second, func() bool {
		_, s, _ := es.snapshot()
		return len(s) > 0 && strings.Contains(s[len(s)-1], `"param4":"n100004"`)
	})
	_, stored, _ := es.snapshot()
	// The last outage event survived; the first ones were dropped.
	joined := strings.Join(stored, "\n")
	if !strings.Contains(joined, `"param4":"n`+strconv.Itoa(outage)+`"`) {
		t.Error("newest outage document lost")
	}
	// What survives the outage is the buffer and the one batch in the
	// indexer's hands, not the outage's 5,000 documents.
	if n := strings.Count(joined, `"param4":"n`); n > outage/10 {
		t.Errorf("%d documents stored after an outage with a buffer of %d", n, bufSize)
	}
	// The fake stores a document before the client's success callback
	// counts it as sent: wait for the counters to catch up.
	total := int64(outage + 5)
	accounted := func() int64 {
		c := r.exp.Counters()
		return c[CounterSent] + c[CounterDropped] + c[CounterFailed] + c[CounterEventsLost]
	}
	deadline := time.Now().Add(10 * time.Second)
	for accounted() < total && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := accounted(); got < total {
		t.Errorf("accounting: sent+dropped+failed+lost = %d, want >= %d (%v)", got, total, r.exp.Counters())
	}
}

// Stopping never waits on a dead cluster longer than the flush timeout.
func TestStopWhileDown(t *testing.T) {
	es := newFakeES(t)
	es.bulkStatus = func(int) int { return 503 }
	r := startExporter(t, testConfig(es.srv.URL, 100))
	r.raise(10, 0)
	waitFor(t, "a failed request", 10*time.Second, func() bool { n, _, _ := es.snapshot(); return n > 0 })
	stopped := make(chan struct{})
	go func() { r.stop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(shutdownGrace + closeTimeout + 10*time.Second):
		t.Fatal("Run did not return")
	}
}

// Statistics snapshots arrive as one document per block, with the
// exporter's own counters beside them.
func TestStatisticsDocuments(t *testing.T) {
	es := newFakeES(t)
	cfg := testConfig(es.srv.URL, 1000)
	cfg.StatsInterval = 20 * time.Millisecond
	r := startExporter(t, cfg)
	r.eng.reg.AddConnection(7, map[string]string{"job": "j7", "replication_set": "s", "target": "t:1"})
	r.eng.reg.Target("peer1")
	waitFor(t, "a full snapshot", 10*time.Second, func() bool {
		es.mu.Lock()
		defer es.mu.Unlock()
		return es.indexes["metrics-dtrep.stats-test"] >= 7
	})
	_, stored, _ := es.snapshot()
	scopes := map[string]bool{}
	for _, s := range stored {
		for _, sc := range []string{"kernel", "security", "source", "target", "connection", "exporter"} {
			if strings.Contains(s, `"scope":"`+sc+`"`) {
				scopes[sc] = true
			}
		}
	}
	if len(scopes) != 6 {
		t.Errorf("scopes seen %v", scopes)
	}
}
