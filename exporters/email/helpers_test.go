package email

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters/exportertest"
)

// testConfig sends errors and warnings to two recipients through port in
// the clear, with short pauses.
func testConfig(port int) Config {
	return Config{
		Host: "127.0.0.1", Port: port, Security: SecurityNone,
		From: "dtrep@src.example", To: []string{"ops@example.com", "Night Shift <night@example.com>"},
		Prefix:    "[dtrep]",
		Selection: Selection{Levels: map[catalog.Level]bool{catalog.LevelError: true, catalog.LevelWarning: true}},
		Digest:    100 * time.Millisecond, Timeout: 5 * time.Second, Retries: 3, BufferSize: 1000,
		RetryBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
	}
}

// running is a notifier under test with the engine it watches.
type running struct {
	n   *Notifier
	eng *exportertest.Engine
}

// runNotifier runs a notifier until the test ends.
func runNotifier(t *testing.T, cfg Config) running {
	t.Helper()
	eng := exportertest.New()
	eng.Name = "src"
	n, err := New(eng, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); n.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return running{n: n, eng: eng}
}

// raise raises the catalog event id with placeholder arguments.
func (r running) raise(id catalog.EventID, ctx events.Context) events.Event {
	return r.eng.Hub.Raise(id, ctx, "10.0.0.2", "10.0.0.2:6320", "payroll-set", "3", "cause")
}

// waitCounter waits until counter reaches want.
func (r running) waitCounter(t *testing.T, name string, want int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for r.n.Counters()[name] < want {
		if time.Now().After(deadline) {
			t.Fatalf("%s = %d, want %d within %s (counters %v)", name, r.n.Counters()[name], want, within, r.n.Counters())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
