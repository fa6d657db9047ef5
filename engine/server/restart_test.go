//go:build linux

package server

import (
	"bytes"
	"context"
	"math/rand"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/settings"
)

// Jobs persist in DataPath; a restarted source starts the jobs that were
// running, with connection IDs counted from 1 again.
func TestJobsPersistAcrossRestart(t *testing.T) {
	p := startPair(t, nil)
	p.createJob(t, "a", nil)
	p.waitSynced(t, "a", 30*time.Second)
	// A second job on another tree gets connection ID 2; stopping the first
	// frees 1, which the next connection takes (lowest available).
	other := t.TempDir()
	ctx := context.Background()
	must(t, p.src.CreateJob(ctx, mgmt.JobSpec{Name: "b", SourcePath: other, Target: p.tgt.Addr().String(),
		TargetPath: filepath.Join(t.TempDir(), "b")}))
	must(t, p.src.StartJob(ctx, "b"))
	if st, _ := p.src.JobStatus(ctx, "b"); st.ConnectionID != 2 {
		t.Fatalf("second connection got ID %d", st.ConnectionID)
	}
	must(t, p.src.StopJob(ctx, "a"))
	must(t, p.src.StartJob(ctx, "a"))
	if st, _ := p.src.JobStatus(ctx, "a"); st.ConnectionID != 1 {
		t.Fatalf("restarted connection got ID %d, want the lowest free (1)", st.ConnectionID)
	}
	must(t, p.src.StopJob(ctx, "b")) // b stays stopped across the restart

	// Restart the source server on the same DataPath.
	dataPath := p.src.dataPath
	p.cancel()
	<-p.done
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	must(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	srv, err := New(Options{Settings: settings.Overlay{Base: base, Over: map[string]string{
		"DataPath": dataPath, "ConnectionSecret": "test-secret", "NetworkRetry": "1"}},
		Name: "source", Listener: ln, Log: quietLog()})
	must(t, err)
	// The target of the first pair is gone with it; start a new one on the same replica.
	tgt, _ := newServer(t, "target", nil)
	_ = tgt
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = srv.Serve(sctx) }()
	defer func() { cancel(); <-done }()
	srv.Addr()
	jobs, err := srv.ListJobs(ctx)
	must(t, err)
	if len(jobs) != 2 || jobs[0].Spec.Name != "a" || jobs[1].Spec.Name != "b" {
		t.Fatalf("jobs after restart: %+v", jobs)
	}
	if !jobs[0].Enabled || jobs[0].ConnectionID != 1 {
		t.Fatalf("job a not restarted with connection 1: %+v", jobs[0])
	}
	if jobs[1].Enabled || jobs[1].ConnectionID != 0 {
		t.Fatalf("stopped job b was started: %+v", jobs[1])
	}
	if err := srv.StopJob(ctx, "b"); catalog.CodeOf(err) != catalog.CodeConnectionNotExist {
		t.Fatalf("stopping a stopped job: %v", err)
	}
	if err := srv.StartJob(ctx, "nope"); catalog.CodeOf(err) != catalog.CodeJobNotExist {
		t.Fatalf("starting a missing job: %v", err)
	}
	if err := srv.CreateJob(ctx, mgmt.JobSpec{Name: "a", SourcePath: other, Target: "127.0.0.1:1", TargetPath: "/x"}); catalog.CodeOf(err) != catalog.CodeJobExists {
		t.Fatalf("creating a duplicate job: %v", err)
	}
}

// Compression shrinks what crosses the wire for compressible data.
func TestCompressionAndBandwidth(t *testing.T) {
	p := startPair(t, nil)
	writeFile(t, filepath.Join(p.srcDir, "text.txt"), bytes.Repeat([]byte("compressible text "), 200000), 0o644)
	p.createJob(t, "z", func(s *mgmt.JobSpec) { s.Compression = 2; s.BandwidthKbps = 8000 })
	p.waitSynced(t, "z", 60*time.Second)
	st, err := p.src.JobStatus(context.Background(), "z")
	must(t, err)
	raw, comp := st.Counters["conBytesTx"], st.Counters["conBytesCompressedTx"]
	if raw < 3_600_000 || comp*4 > raw {
		t.Fatalf("conBytesTx %d, conBytesCompressedTx %d: expected at least 4:1", raw, comp)
	}
	if st.Counters["conBandwidthLimit"] != 8000 {
		t.Fatalf("conBandwidthLimit %d", st.Counters["conBandwidthLimit"])
	}
}

// A bandwidth limit holds a transfer back: 1 MiB of incompressible data at
// 4,000 Kbps (500 KB/s) cannot take less than about two seconds. Only the
// lower bound is checked: this is a functional check, not a benchmark.
func TestBandwidthLimit(t *testing.T) {
	p := startPair(t, nil)
	data := make([]byte, 1<<20)
	rand.New(rand.NewSource(2)).Read(data)
	writeFile(t, filepath.Join(p.srcDir, "random.bin"), data, 0o644)
	start := time.Now()
	p.createJob(t, "bw", func(s *mgmt.JobSpec) { s.BandwidthKbps = 4000 })
	p.waitSynced(t, "bw", 60*time.Second)
	if d := time.Since(start); d < 1500*time.Millisecond {
		t.Fatalf("1 MiB at 4000 Kbps took only %s", d)
	}
}

// Creating, starting, stopping and deleting a job raise the management
// service's events 6003 to 6006 with the job's name and ID.
func TestJobManagementEvents(t *testing.T) {
	p := startPair(t, nil)
	sub := p.src.hub.Subscribe(16, func(e events.Event) bool { return e.Source == events.SourceManagement })
	defer sub.Close()
	ctx := context.Background()
	p.createJob(t, "ev", nil)
	must(t, p.src.StopJob(ctx, "ev"))
	must(t, p.src.DeleteJob(ctx, "ev"))
	for _, id := range []int{6003, 6004, 6005, 6006} {
		select {
		case e := <-sub.C():
			if e.ID != id || e.Job != "ev" || !strings.Contains(e.Message, `"ev"`) {
				t.Fatalf("want event %d for job ev, got %d: %s", id, e.ID, e.Message)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d not raised", id)
		}
	}
}
