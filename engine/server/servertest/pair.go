package servertest

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
)

// Config tunes a pair. The zero value is usable.
type Config struct {
	// Source and Target override settings of one server each, on top of
	// the test defaults (a fresh DataPath, a shared ConnectionSecret,
	// one-second retries).
	Source, Target map[string]string
	// SourceLog and TargetLog receive the servers' own log lines; nil
	// discards them.
	SourceLog, TargetLog *slog.Logger
	// Prepare, when set, runs after both servers are built and before
	// they serve, so subscribers see the servers' first events.
	Prepare func(src, tgt *server.Server)
}

// Pair is a source server and a target server on loopback, in this process.
// Both stop, and are waited for, when the test ends.
type Pair struct {
	Src, Tgt       *server.Server
	SrcDir, TgtDir string // the protected tree and where the job replicates it
	// SrcSettings and TgtSettings are what each server reads.
	SrcSettings, TgtSettings settings.Reader
}

// StartPair starts a target and a source server.
func StartPair(t testing.TB, cfg Config) *Pair {
	t.Helper()
	p := &Pair{SrcDir: t.TempDir(), TgtDir: filepath.Join(t.TempDir(), "replica")}
	ctx, cancel := context.WithCancel(context.Background())
	p.Tgt, p.TgtSettings = newServer(t, "target", cfg.Target, cfg.TargetLog)
	p.Src, p.SrcSettings = newServer(t, "source", cfg.Source, cfg.SourceLog)
	if cfg.Prepare != nil {
		cfg.Prepare(p.Src, p.Tgt)
	}
	tdone, sdone := make(chan struct{}), make(chan struct{})
	go func() { defer close(tdone); _ = p.Tgt.Serve(ctx) }()
	go func() { defer close(sdone); _ = p.Src.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-sdone
		<-tdone
	})
	p.Src.Addr() // both are serving once Addr returns
	p.Tgt.Addr()
	return p
}

func newServer(t testing.TB, name string, over map[string]string, log *slog.Logger) (*server.Server, settings.Reader) {
	t.Helper()
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	o := map[string]string{"DataPath": t.TempDir(), "ConnectionSecret": "test-connection-secret",
		"NetworkRetry": "1", "AutoRemirrorRetry": "1", "LogDir": t.TempDir()}
	for k, v := range over {
		o[k] = v
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st := settings.Overlay{Base: base, Over: o}
	s, err := server.New(server.Options{Settings: st, Name: name, Listener: ln, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

// CreateJob creates and starts a job replicating SrcDir to TgtDir on the
// target; mut, when set, changes the spec first.
func (p *Pair) CreateJob(t testing.TB, name string, mut func(*mgmt.JobSpec)) {
	t.Helper()
	spec := mgmt.JobSpec{Name: name, SourcePath: p.SrcDir, Target: p.Tgt.Addr().String(), TargetPath: p.TgtDir}
	if mut != nil {
		mut(&spec)
	}
	ctx := context.Background()
	if err := p.Src.CreateJob(ctx, spec); err != nil {
		t.Fatal(err)
	}
	if err := p.Src.StartJob(ctx, name); err != nil {
		t.Fatal(err)
	}
}

// WaitIdle waits until the job's mirror is idle and nothing is queued or
// unacknowledged, and returns its status then.
func (p *Pair) WaitIdle(t testing.TB, job string, timeout time.Duration) mgmt.JobStatus {
	t.Helper()
	return p.WaitStatus(t, job, timeout, func(st mgmt.JobStatus) bool {
		return st.ConnectionID != 0 && st.MirrorStatus == "Idle" && st.TransmitMode == "Active" &&
			st.Counters["conOpsInCmdQueue"] == 0 && st.Counters["conOpsInAckQueue"] == 0
	})
}

// WaitStatus polls the job's status until ok accepts it.
func (p *Pair) WaitStatus(t testing.TB, job string, timeout time.Duration, ok func(mgmt.JobStatus) bool) mgmt.JobStatus {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last mgmt.JobStatus
	var err error
	for time.Now().Before(deadline) {
		last, err = p.Src.JobStatus(context.Background(), job)
		if err == nil && ok(last) {
			return last
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("job %q: condition not met after %s: last status %+v, err %v", job, timeout, last, err)
	return last
}
