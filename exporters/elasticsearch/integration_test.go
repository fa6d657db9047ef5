//go:build linux

package elasticsearch

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
)

// runOn runs an exporter for srv until the test ends (before the pair
// stops: cleanups run last first).
func runOn(t *testing.T, srv *server.Server, cfg Config) *Exporter {
	t.Helper()
	exp, err := New(srv, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); exp.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return exp
}

// A replicating pair ships its events and statistics to a real
// VictoriaLogs through its Elasticsearch bulk endpoint; LogsQL reads back
// what the engine raised and counted.
func TestVictoriaLogsReplicatingPair(t *testing.T) {
	vl := startVictoriaLogs(t)
	p := servertest.StartPair(t, servertest.Config{})
	cfg := vl.config()
	cfg.StatsInterval = 200 * time.Millisecond
	src := runOn(t, p.Src, cfg)
	runOn(t, p.Tgt, cfg)

	for i := range 20 {
		if err := os.WriteFile(filepath.Join(p.SrcDir, fmt.Sprintf("f%02d", i)), []byte(strings.Repeat("x", 4096)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p.CreateJob(t, "esjob", nil)
	p.WaitIdle(t, "esjob", 60*time.Second)

	// The mirror's completion, with its duration and every ECS field.
	recs := vl.waitQuery(t, `host.name:=source event.code:=4023`, 30*time.Second,
		func(r []map[string]string) bool { return len(r) == 1 })
	r := recs[0]
	ce, _ := catalog.Must().Event(events.SourceEngine, 4023)
	want := map[string]string{
		"event.provider": "Double-Take", "event.kind": "event", "event.dataset": "dtrep.events",
		"event.module": "dtrep", "event.severity": "6", "log.level": "information", "service.name": "dtrep",
		"dtrep.job.name": "esjob", "dtrep.connection.id": "1", "dtrep.peer": p.Tgt.Addr().String(),
		"dtrep.event.id": "4023", "dtrep.event.level": "Information", "dtrep.event.log": "Application",
		"dtrep.event.required_action": ce.Action, "dtrep.event.params.param4": "1",
		"data_stream.type": "logs", "data_stream.namespace": "default", "ecs.version": ecsVersion,
	}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("4023 %s = %q, want %q", k, r[k], v)
		}
	}
	if !strings.HasPrefix(r["_msg"], "Service has completed a mirror to ") || !strings.Contains(r["_msg"], "ID: 1") {
		t.Errorf("4023 message %q", r["_msg"])
	}
	if r["dtrep.replication_set.name"] == "" || atoi(r["event.duration"]) <= 0 || r["event.start"] == "" {
		t.Errorf("4023 replication set / duration: %v", r)
	}
	if ts, err := time.Parse(time.RFC3339Nano, r["_time"]); err != nil || time.Since(ts) > 10*time.Minute {
		t.Errorf("4023 _time %q: %v (want @timestamp)", r["_time"], err)
	}
	// The connection's other milestones.
	for _, code := range []string{"4016", "4019", "4024"} {
		vl.waitQuery(t, `host.name:=source dtrep.job.name:=esjob event.code:=`+code, 30*time.Second,
			func(r []map[string]string) bool { return len(r) >= 1 })
	}

	// Statistics: the connection block carries what the engine counted.
	sent := p.Src.Snapshot().Connections[0].Values["conBytesTx"]
	if sent == 0 {
		t.Fatal("engine counted no bytes sent")
	}
	vl.waitQuery(t, `host.name:=source dtrep.scope:=connection dtrep.job.name:=esjob`, 30*time.Second,
		func(r []map[string]string) bool {
			for _, rec := range r {
				if atoi(rec["dtrep.stats.conBytesTx"]) == sent && rec["dtrep.connection.id"] == "1" &&
					rec["event.kind"] == "metric" && rec["data_stream.dataset"] == "dtrep.stats" &&
					rec["dtrep.stats.connectTime"] != "" {
					return true
				}
			}
			return false
		})
	// The target's block for the source, under its catalog name.
	vl.waitQuery(t, `host.name:=target dtrep.scope:=target`, 30*time.Second,
		func(r []map[string]string) bool {
			for _, rec := range r {
				if atoi(rec["dtrep.stats.Ops Received"]) > 0 {
					return true
				}
			}
			return false
		})
	for _, scope := range []string{"kernel", "security", "source", ScopeExporter} {
		vl.waitQuery(t, `host.name:=source dtrep.scope:=`+scope, 30*time.Second,
			func(r []map[string]string) bool { return len(r) >= 1 })
	}
	// The exporter's own counters, as documents and as a map.
	vl.waitQuery(t, `host.name:=source dtrep.scope:=exporter`, 30*time.Second,
		func(r []map[string]string) bool {
			for _, rec := range r {
				if atoi(rec["dtrep.exporter.sent"]) > 0 {
					return true
				}
			}
			return false
		})
	if c := src.Counters(); c[CounterSent] == 0 || c[CounterFailed] != 0 || c[CounterDropped] != 0 {
		t.Errorf("source exporter counters %v", c)
	}
}
