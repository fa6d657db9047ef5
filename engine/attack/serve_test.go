//go:build linux

package attack

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/dtrepbin"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/wire"
)

func TestMain(m *testing.M) {
	code := m.Run()
	dtrepbin.Remove()
	os.Exit(code)
}

// secret is the ConnectionSecret of every server the tests start; an
// attacker without it uses wrongSecret.
var (
	secret      = []byte("attack-test-secret-0123456789")
	wrongSecret = []byte("not-the-secret-0123456789")
)

// server is one `dtrep serve` process: its directories, its replication
// address and its output.
type server struct {
	dir, data, logDir string
	addr              string // replication listener, 127.0.0.1:port
	socket            string
	out               *os.File
	cmd               *exec.Cmd
	exited            chan struct{}
}

// serve starts `dtrep serve` with the test settings plus extra, and waits
// until its management socket answers. It is killed when the test ends.
func serve(t *testing.T, extra map[string]string) *server {
	t.Helper()
	s := start(t, extra)
	s.waitReady(t)
	return s
}

// start starts `dtrep serve` with the test settings plus extra and returns
// at once. It is killed when the test ends.
func start(t *testing.T, extra map[string]string) *server {
	t.Helper()
	bin, err := dtrepbin.Build()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s := &server{dir: dir, data: filepath.Join(dir, "data"), logDir: filepath.Join(dir, "log"),
		socket: filepath.Join(dir, "mgmt.sock")}
	port := dtrepbin.FreePort(t)
	s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	all := map[string]string{"Port": strconv.Itoa(port), "DataPath": s.data, "LogDir": s.logDir,
		"QJournalDir": filepath.Join(dir, "queue"), "ManagementSocket": s.socket,
		"ConnectionSecret": string(secret), "PrometheusAddress": "", "ConsoleAddress": ""}
	for k, v := range extra {
		all[k] = v
	}
	cfg := filepath.Join(dir, "serve.yaml")
	if err := dtrepbin.WriteConfig(cfg, all); err != nil {
		t.Fatal(err)
	}
	if s.out, err = os.Create(filepath.Join(dir, "serve.out")); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "serve", "--config", cfg)
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.exited = make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		_ = s.cmd.Process.Kill()
		<-s.exited
		s.out.Close()
		if t.Failed() {
			out, _ := os.ReadFile(s.out.Name())
			t.Logf("dtrep serve output:\n%s", tail(string(out), 4000))
		}
	})
	return s
}

// waitReady waits until the server's management socket and replication
// port answer, failing the test if the server exits first.
func (s *server) waitReady(t *testing.T) {
	t.Helper()
	if err := dtrepbin.WaitManagement(s.socket, s.exited, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	// The replication listener opens with the management socket; wait
	// for it too. The probe never proves itself, so the server counts it
	// as a failed login once it sees it closed: wait for that count, so a
	// test that reads FailedLogins after waitReady does not see it arrive.
	failed := s.security(t)["FailedLogins"]
	for {
		nc, err := net.DialTimeout("tcp", s.addr, time.Second)
		if err == nil {
			nc.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replication port not open: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for s.security(t)["FailedLogins"] <= failed {
		if time.Now().After(deadline) {
			t.Fatal("the replication port probe was never counted as a failed login")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// security returns the server's Security counters.
func (s *server) security(t *testing.T) map[string]int64 {
	t.Helper()
	c := mgmt.NewClient(s.socket)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := c.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return snap.Security.Values
}

// output is what the server logged so far.
func (s *server) output(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(s.out.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// alive fails the test if the server process has ended.
func (s *server) alive(t *testing.T) {
	t.Helper()
	select {
	case <-s.exited:
		t.Fatalf("dtrep serve died: %v", s.cmd.ProcessState)
	default:
	}
}

// dialFrom opens a connection to the server from a loopback address of
// the attacker's choice (127.0.0.0/8 is all local on Linux).
func (s *server) dialFrom(t *testing.T, local string) net.Conn {
	t.Helper()
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	nc, err := d.Dial("tcp", s.addr)
	if err != nil {
		t.Fatal(err)
	}
	return nc
}

// login runs a real source handshake with the right secret for a stream
// into targetPath and returns the connection, or the handshake's error.
func (s *server) login(t *testing.T, jobID, targetPath string) (*wire.Conn, error) {
	t.Helper()
	c := wire.NewConn(s.dialFrom(t, "127.0.0.1"), wire.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := wire.ClientHandshake(ctx, c, wire.Hello{ServerName: "attacker", SetName: jobID, ConnectionID: 1,
		JobID: jobID, Epoch: 1, TargetPath: targetPath}, secret)
	if err != nil {
		c.Close()
		return nil, err
	}
	t.Cleanup(func() { c.Close() })
	return c, nil
}

// listing returns every path under dir, relative, sorted.
func listing(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) {
				return nil
			}
			return err
		}
		if p != dir {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// memory is a process's resident memory now and at its peak.
type memory struct{ rss, hwm int64 }

func (s *server) memory(t *testing.T) memory {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	var m memory
	for _, line := range strings.Split(string(b), "\n") {
		for name, dst := range map[string]*int64{"VmRSS:": &m.rss, "VmHWM:": &m.hwm} {
			if v, ok := strings.CutPrefix(line, name); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				*dst = kb << 10
			}
		}
	}
	if m.rss == 0 || m.hwm == 0 {
		t.Fatal("no VmRSS/VmHWM")
	}
	return m
}

func contextTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
