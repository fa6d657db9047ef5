//go:build linux

package server

import (
	"context"
	"github.com/dtrep/dtrep/engine/treecmp"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/settings"
)

// pair is a source server and a target server on loopback, in this process.
type pair struct {
	src, tgt       *Server
	srcDir, tgtDir string
	cancel         context.CancelFunc
	done           chan struct{}
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newServer(t *testing.T, name string, over map[string]string) (*Server, net.Listener) {
	t.Helper()
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := map[string]string{"DataPath": t.TempDir(), "ConnectionSecret": "test-secret",
		"NetworkRetry": "1", "AutoRemirrorRetry": "1"}
	for k, v := range over {
		o[k] = v
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Settings: settings.Overlay{Base: base, Over: o}, Name: name, Listener: ln, Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	return s, ln
}

func startPair(t *testing.T, over map[string]string) *pair {
	t.Helper()
	p := &pair{srcDir: t.TempDir(), tgtDir: filepath.Join(t.TempDir(), "replica"), done: make(chan struct{})}
	var ctx context.Context
	ctx, p.cancel = context.WithCancel(context.Background())
	p.tgt, _ = newServer(t, "target", over)
	p.src, _ = newServer(t, "source", over)
	go func() { _ = p.tgt.Serve(ctx) }()
	go func() { defer close(p.done); _ = p.src.Serve(ctx) }()
	t.Cleanup(func() {
		p.cancel()
		<-p.done
	})
	return p
}

func (p *pair) createJob(t *testing.T, name string, mut func(*mgmt.JobSpec)) {
	t.Helper()
	p.createJobTo(t, name, p.tgt.Addr().String(), mut)
}

func (p *pair) createJobTo(t *testing.T, name, target string, muts ...func(*mgmt.JobSpec)) {
	t.Helper()
	spec := mgmt.JobSpec{Name: name, SourcePath: p.srcDir, Target: target, TargetPath: p.tgtDir}
	for _, mut := range muts {
		if mut != nil {
			mut(&spec)
		}
	}
	ctx := context.Background()
	if err := p.src.CreateJob(ctx, spec); err != nil {
		t.Fatal(err)
	}
	p.src.Addr() // wait until Serve runs
	if err := p.src.StartJob(ctx, name); err != nil {
		t.Fatal(err)
	}
}

// waitSynced waits until the job is idle and the trees are equal.
func (p *pair) waitSynced(t *testing.T, job string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		st, err := p.src.JobStatus(context.Background(), job)
		if err == nil && st.MirrorStatus == "Idle" && st.Counters["conOpsInCmdQueue"] == 0 &&
			st.Counters["conOpsInAckQueue"] == 0 {
			diff := treecmp.Compare(p.srcDir, p.tgtDir)
			if diff == "" {
				return
			}
			last = diff
		} else if err == nil {
			last = "job " + st.MirrorStatus + " " + st.TransmitMode + " " + st.LastError
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("trees not equal after %s: %s", timeout, last)
}

func writeFile(t *testing.T, path string, data []byte, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
}
