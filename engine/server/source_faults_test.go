//go:build linux

package server_test

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server/servertest"
)

// targetDataState is the Target data state of the target's entry for the
// job's connection ("" while it has none).
func targetDataState(p *servertest.Pair) string {
	for _, e := range p.Tgt.Target().Entries() {
		return e.TargetDataState
	}
	return ""
}

// Renaming a job's source path away stops capture: the connection says so
// at once (4070, 4025; Replication Status Failed, conState Error, Mirror
// Required on both ends) instead of spinning on a closed channel, and once
// the path is back it watches again and a difference mirror brings the
// target up to date.
func TestCaptureFailureIsShownAndRecovered(t *testing.T) {
	p := startJob(t, nil, nil)
	w := watchEvents(t, p.Src, 4070, 4025, 4024, 4023)
	moved := p.SrcDir + ".moved"
	if err := os.Rename(p.SrcDir, moved); err != nil {
		t.Fatal(err)
	}
	w.next(4070)
	w.next(4025)
	st := p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool { return st.ReplicationStatus == "Failed" })
	if st.ConState != 8 || st.Counters["conState"] != 8 {
		t.Errorf("conState %d (counter %d) with capture failed, want 8 (Error)", st.ConState, st.Counters["conState"])
	}
	if st.TargetDataState != "Mirror Required" || !strings.Contains(st.LastError, "replication stopped") {
		t.Errorf("target data state %q, last error %q", st.TargetDataState, st.LastError)
	}
	waitFor(t, "the target's entry says Mirror Required", func() bool { return targetDataState(p) == "Mirror Required" })

	writeFile(t, filepath.Join(moved, "while-gone.txt"), "changed while not watched")
	if err := os.Rename(moved, p.SrcDir); err != nil {
		t.Fatal(err)
	}
	w.next(4024)
	w.next(4023)
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	writeFile(t, filepath.Join(p.SrcDir, "after.txt"), "replicated again")
	waitSame(t, p.SrcDir, p.TgtDir, nil)
	st = p.WaitIdle(t, "j", wait)
	if st.ReplicationStatus == "Failed" || st.ConState != 1 || st.TargetDataState != "OK" {
		t.Fatalf("after recovery: replication %q, conState %d, data %q", st.ReplicationStatus, st.ConState,
			st.TargetDataState)
	}
	waitFor(t, "the target's entry says OK", func() bool { return targetDataState(p) == "OK" })
}

// A mirror stop takes effect within about a second however slow the link
// (400 Kbps here, a few MB to mirror), answers only once the mirror has
// stopped, and event 4022 gives an operator's cause. Both ends then say
// Mirror Required.
func TestMirrorStopOnSlowLinkIsPromptAndTruthful(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{})
	for i := range 6 {
		writeFile(t, filepath.Join(p.SrcDir, "big", string(rune('a'+i))+".bin"), strings.Repeat("x", 512<<10))
	}
	w := watchEvents(t, p.Src, 4019, 4022)
	p.CreateJob(t, "j", func(s *mgmt.JobSpec) { s.BandwidthKbps = 400 })
	w.next(4019)
	p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool {
		// Waiting: everything is queued and the mirror waits for its acknowledgements.
		running := st.MirrorStatus == "In Progress" || st.MirrorStatus == "Waiting"
		return running && st.Counters["conOpsInAckQueue"] > 0
	})
	start := time.Now()
	if err := p.Src.StopMirror(context.Background(), "j"); err != nil {
		t.Fatalf("mirror stop: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("mirror stop took %s on a 400 Kbps link", took)
	}
	st, err := p.Src.JobStatus(context.Background(), "j")
	if err != nil {
		t.Fatal(err)
	}
	if st.MirrorStatus != "Stopped" || st.TargetDataState != "Mirror Required" {
		t.Fatalf("after the stop answered: mirror %q, target data %q", st.MirrorStatus, st.TargetDataState)
	}
	e := w.next(4022)
	if got := e.Args[len(e.Args)-1]; got != "stopped by the user" {
		t.Fatalf("4022 gives the cause %q", got)
	}
	waitFor(t, "the target's entry says Mirror Required", func() bool { return targetDataState(p) == "Mirror Required" })
}

// During a target outage the status words tell one story: Error, nothing
// being replicated (Pending), and a target whose state the source cannot
// know (Unknown) rather than OK and Ready.
func TestTargetOutageStatesAgree(t *testing.T) {
	p := servertest.StartPair(t, servertest.Config{})
	writeFile(t, filepath.Join(p.SrcDir, "a.txt"), "alpha")
	px := startProxy(t, p.Tgt.Addr().String())
	p.CreateJob(t, "j", func(s *mgmt.JobSpec) { s.Target = px.addr })
	if st := p.WaitIdle(t, "j", wait); st.TargetDataState != "OK" || st.ReplicationStatus != "Ready" {
		t.Fatalf("connected: target data %q, replication %q", st.TargetDataState, st.ReplicationStatus)
	}
	px.close()
	writeFile(t, filepath.Join(p.SrcDir, "during.txt"), "queued while the target is away")
	st := p.WaitStatus(t, "j", wait, func(st mgmt.JobStatus) bool {
		return st.ConState&8 != 0 && st.Counters["conOpsInCmdQueue"]+st.Counters["conOpsInAckQueue"] > 0
	})
	if st.ReplicationStatus != "Pending" || st.TargetDataState != "Unknown" || st.TransmitMode != "Error" {
		t.Fatalf("target away: conState %d, transmit %q, replication %q, target data %q", st.ConState,
			st.TransmitMode, st.ReplicationStatus, st.TargetDataState)
	}
}

// proxy forwards TCP connections to a target until closed, so a test can
// cut the target off without stopping it.
type proxy struct {
	addr   string
	ln     net.Listener
	mu     sync.Mutex
	conns  []net.Conn
	closed bool
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, to string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	px := &proxy{addr: ln.Addr().String(), ln: ln}
	px.wg.Add(1)
	go func() {
		defer px.wg.Done()
		for {
			a, err := ln.Accept()
			if err != nil {
				return
			}
			b, err := net.Dial("tcp", to)
			if err != nil {
				a.Close()
				continue
			}
			px.mu.Lock()
			if px.closed {
				px.mu.Unlock()
				a.Close()
				b.Close()
				continue
			}
			px.conns = append(px.conns, a, b)
			px.mu.Unlock()
			px.wg.Add(2)
			go func() { defer px.wg.Done(); _, _ = io.Copy(a, b); a.Close() }()
			go func() { defer px.wg.Done(); _, _ = io.Copy(b, a); b.Close() }()
		}
	}()
	t.Cleanup(px.close)
	return px
}

// close stops accepting, cuts every forwarded connection and waits for the
// proxy's goroutines.
func (px *proxy) close() {
	px.ln.Close()
	px.mu.Lock()
	px.closed = true
	for _, c := range px.conns {
		c.Close()
	}
	px.conns = nil
	px.mu.Unlock()
	px.wg.Wait()
}
