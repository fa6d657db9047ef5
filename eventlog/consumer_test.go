package eventlog

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/status"
)

// hubEngine is the part of a server a consumer uses, around a real hub.
type hubEngine struct{ hub *events.Hub }

func newHubEngine() *hubEngine { return &hubEngine{hub: events.NewHub(catalog.Must())} }

func (h *hubEngine) Catalog() *catalog.Catalog { return catalog.Must() }
func (h *hubEngine) Snapshot() stats.Snapshot  { return stats.Snapshot{} }
func (h *hubEngine) Subscribe(size int, filter func(events.Event) bool) *events.Subscription {
	return h.hub.Subscribe(size, filter)
}
func (h *hubEngine) ServerName() string        { return "hub" }
func (h *hubEngine) Status() status.Snapshot   { return status.Snapshot{} }
func (h *hubEngine) HubStats() events.HubStats { return h.hub.Stats() }

// memWriter keeps what it is given. It stands in for a receiver only where
// no real one can produce the case: refusing an event for good.
type memWriter struct {
	name   string
	mu     sync.Mutex
	got    []events.Event
	refuse func(events.Event) bool
}

func (m *memWriter) Name() string { return m.name }
func (m *memWriter) Write(ev events.Event) error {
	if m.refuse != nil && m.refuse(ev) {
		return Unwritable(errors.New("refused"))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.got = append(m.got, ev)
	return nil
}
func (m *memWriter) Close() error { return nil }
func (m *memWriter) count() int   { m.mu.Lock(); defer m.mu.Unlock(); return len(m.got) }

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Levels route events; a refused event is counted and skipped, never
// retried, and the writer goes on with the next.
func TestConsumerLevelsAndRefusals(t *testing.T) {
	eng := newHubEngine()
	errs := &memWriter{name: "errors", refuse: func(ev events.Event) bool { return ev.ID == 4 }}
	all := &memWriter{name: "all"}
	c := NewConsumer(eng, []Route{{Writer: errs, Levels: 1 | 2}, {Writer: all, Levels: AllLevels}}, 16, quietLog())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	eng.hub.Raise(catalog.EventDoubleTake1, events.Context{})           // Error
	eng.hub.Raise(catalog.EventDoubleTake2, events.Context{}, "3")      // Information
	eng.hub.Raise(catalog.EventDoubleTake4, events.Context{}, "a", "b") // Warning, refused
	eng.hub.Raise(catalog.EventDoubleTake6, events.Context{}, "x")      // Warning
	waitFor(t, 5*time.Second, "events written", func() bool { return all.count() == 4 && errs.count() == 2 })
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	st := c.Stats()
	if st[0].Written != 2 || st[0].Refused != 1 || st[1].Written != 4 || st[1].Refused != 0 {
		t.Fatalf("stats %+v", st)
	}
	reg := prom.NewRegistry()
	reg.MustRegister(c.Collector())
	want := `
# HELP dtrep_eventlog_events_refused_total Events the writer can never write (an event the catalog lacks, for the Windows Event Log).
# TYPE dtrep_eventlog_events_refused_total counter
dtrep_eventlog_events_refused_total{writer="all"} 0
dtrep_eventlog_events_refused_total{writer="errors"} 1
# HELP dtrep_eventlog_events_written_total Events the writer's receiver took (Windows Event Log, journald, syslog).
# TYPE dtrep_eventlog_events_written_total counter
dtrep_eventlog_events_written_total{writer="all"} 4
dtrep_eventlog_events_written_total{writer="errors"} 2
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want),
		"dtrep_eventlog_events_refused_total", "dtrep_eventlog_events_written_total"); err != nil {
		t.Fatal(err)
	}
}

func TestParseLevels(t *testing.T) {
	s, err := ParseLevels("error, Informational")
	if err != nil || !s.Has(catalog.LevelError) || !s.Has(catalog.LevelInformation) || s.Has(catalog.LevelWarning) {
		t.Fatalf("%v %v", s, err)
	}
	if _, err := ParseLevels("Error,Critical"); err == nil || !strings.Contains(err.Error(), "Critical") {
		t.Fatalf("unknown level: %v", err)
	}
}

// Events raised just before the consumer stops (a server's stop events)
// are still written.
func TestConsumerDrainsOnStop(t *testing.T) {
	eng := newHubEngine()
	w := &memWriter{name: "mem"}
	c := NewConsumer(eng, []Route{{Writer: w, Levels: AllLevels}}, 64, quietLog())
	for i := range 10 {
		eng.hub.Raise(catalog.EventDoubleTake2, events.Context{}, strconv.Itoa(i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if st := c.Stats()[0]; w.count() != 10 || st.Written != 10 || st.Lost != 0 {
		t.Fatalf("written %d, stats %+v", w.count(), st)
	}
}
