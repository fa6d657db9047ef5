//go:build linux

package server

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/dtrepbin"
)

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// targetProcess is a `dtrep serve` target in its own process.
type targetProcess struct {
	bin, config string
	cmd         *exec.Cmd
}

func (p *targetProcess) start(t *testing.T) {
	t.Helper()
	p.cmd = exec.Command(p.bin, "serve", "--config", p.config)
	p.cmd.Stdout, p.cmd.Stderr = os.Stderr, os.Stderr
	if testing.Verbose() == false {
		p.cmd.Stdout, p.cmd.Stderr = nil, nil
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
}

func (p *targetProcess) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_, _ = p.cmd.Process.Wait()
}

// TestTargetKilledMidStream kills the target process with SIGKILL while a
// workload replicates, several times, restarts it, and checks that the
// replica ends identical: acknowledged ops were durable, the rest were
// resent after the automatic reconnect.
func TestTargetKilledMidStream(t *testing.T) {
	bin, err := dtrepbin.Build()
	if err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "target.yaml")
	// The metrics endpoint gets a free port too: the default, 9561, would
	// collide with any other dtrep serve on the machine.
	writeFile(t, cfg, []byte(fmt.Sprintf("Port: %d\nDataPath: %s\nConnectionSecret: test-secret\nManagementSocket: %s\n"+
		"ConsoleAddress: \"\"\nPrometheusAddress: 127.0.0.1:%d\n",
		port, filepath.Join(dir, "data"), filepath.Join(dir, "target.sock"), freePort(t))), 0o600)
	tp := &targetProcess{bin: bin, config: cfg}
	tp.start(t)
	defer tp.kill()

	p := &pair{srcDir: t.TempDir(), tgtDir: filepath.Join(t.TempDir(), "replica"), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	p.src, _ = newServer(t, "source", nil)
	go func() { defer close(p.done); _ = p.src.Serve(ctx) }()
	defer func() { cancel(); <-p.done }()
	p.tgt = nil
	spec := fmt.Sprintf("127.0.0.1:%d", port)
	writeFile(t, filepath.Join(p.srcDir, "seed"), []byte("seed"), 0o644)
	p.createJobTo(t, "killjob", spec)

	kills := 0
	stop := make(chan struct{})
	workDone := make(chan struct{})
	go func() {
		defer close(workDone)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			name := filepath.Join(p.srcDir, fmt.Sprintf("w/%03d/f%05d", i%50, i))
			_ = os.MkdirAll(filepath.Dir(name), 0o755)
			_ = os.WriteFile(name, []byte(fmt.Sprintf("data %d %s", i, time.Now())), 0o644)
			if i%7 == 0 && i > 0 {
				_ = os.Rename(filepath.Join(p.srcDir, fmt.Sprintf("w/%03d/f%05d", (i-1)%50, i-1)),
					filepath.Join(p.srcDir, fmt.Sprintf("w/%03d/r%05d", (i-1)%50, i-1)))
			}
			time.Sleep(time.Millisecond)
		}
	}()
	for k := 0; k < 3; k++ {
		p.waitFlowing(t, "killjob", 30*time.Second)
		tp.kill()
		kills++
		time.Sleep(300 * time.Millisecond)
		tp.start(t)
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	<-workDone
	p.waitSynced(t, "killjob", 90*time.Second)
	snap := p.src.reg.Snapshot()
	if snap.Source.Values["autoDisConnects"] < int64(kills) || snap.Source.Values["autoReConnects"] < int64(kills) {
		t.Fatalf("expected %d auto-disconnects and reconnects, got %d and %d", kills,
			snap.Source.Values["autoDisConnects"], snap.Source.Values["autoReConnects"])
	}
	t.Logf("%d kills; resent ops %d", kills, snap.Connections[0].Values["conResentOpCount"])
}

// waitFlowing waits until the job is connected and the target has
// acknowledged new ops since the call.
func (p *pair) waitFlowing(t *testing.T, job string, timeout time.Duration) {
	t.Helper()
	ctx := context.Background()
	st, _ := p.src.JobStatus(ctx, job)
	base := st.Counters["conOpsRx"]
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		st, err := p.src.JobStatus(ctx, job)
		if err == nil && st.ConState == 1 && st.Counters["conOpsRx"] > base+10 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	st, err := p.src.JobStatus(ctx, job)
	t.Fatalf("job %s not replicating within %s: %+v %v", job, timeout, st, err)
}
