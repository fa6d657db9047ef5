//go:build linux

package faults

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/dtrepbin"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// trials is how many fault trials a test runs (DTREP_FAULT_TRIALS).
func trials(t *testing.T, def int) int {
	v := os.Getenv("DTREP_FAULT_TRIALS")
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("DTREP_FAULT_TRIALS=%q: want a positive number", v)
	}
	return n
}

// proc is one `dtrep serve` process with its own configuration, data and
// management socket, optionally inside a network namespace.
type proc struct {
	name   string
	bin    string
	dir    string
	port   int
	netns  string
	socket string
	cmd    *exec.Cmd
	exited chan struct{}
	starts int
}

// baseSettings are what every fault test's servers run with: quick
// retries so recovery fits in a test.
var baseSettings = map[string]string{
	"ConnectionSecret":  "fault-secret",
	"NetworkRetry":      "1",
	"AutoRemirrorRetry": "1",
	"TGRetryLocked":     "1",
	"PrometheusAddress": "",
	"ConsoleAddress":    "",
}

func newProc(t *testing.T, name, netns string, settings map[string]string) *proc {
	t.Helper()
	bin, err := dtrepbin.Build()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{name: name, bin: bin, dir: t.TempDir(), port: dtrepbin.FreePort(t), netns: netns}
	p.socket = filepath.Join(p.dir, "mgmt.sock")
	all := map[string]string{
		"Port":             strconv.Itoa(p.port),
		"DataPath":         filepath.Join(p.dir, "data"),
		"LogDir":           filepath.Join(p.dir, "log"),
		"ManagementSocket": p.socket,
	}
	for k, v := range baseSettings {
		all[k] = v
	}
	for k, v := range settings {
		all[k] = v
	}
	if err := dtrepbin.WriteConfig(p.config(), all); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			p.dumpLog(t)
		}
	})
	return p
}

func (p *proc) config() string  { return filepath.Join(p.dir, "serve.yaml") }
func (p *proc) logPath() string { return filepath.Join(p.dir, "serve.out") }

// start runs the server and waits until its management socket answers.
func (p *proc) start(t *testing.T) {
	t.Helper()
	args := []string{p.bin, "serve", "--config", p.config()}
	if p.netns != "" {
		args = append([]string{"ip", "netns", "exec", p.netns}, args...)
	}
	out, err := os.OpenFile(p.logPath(), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	p.starts++
	fmt.Fprintf(out, "==== start %d of %s\n", p.starts, p.name)
	p.cmd = exec.Command(args[0], args[1:]...)
	p.cmd.Stdout, p.cmd.Stderr = out, out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.exited = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(p.cmd, p.exited)
	if err := dtrepbin.WaitManagement(p.socket, p.exited, 30*time.Second); err != nil {
		p.dumpLog(t)
		t.Fatalf("%s: %v", p.name, err)
	}
}

// kill ends the process with SIGKILL: no shutdown code runs.
func (p *proc) kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
	p.cmd = nil
}

// stop ends the process with SIGTERM, as a service manager does, and
// waits for its shutdown.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop within 30s of SIGTERM", p.name)
		p.kill()
	}
	p.cmd = nil
}

func (p *proc) client() *mgmt.Client { return mgmt.NewClient(p.socket) }

// addr is where the target module listens, as the source dials it.
func (p *proc) addr(host string) string { return net.JoinHostPort(host, strconv.Itoa(p.port)) }

// dumpLog shows the end of the server's output when a test failed.
func (p *proc) dumpLog(t *testing.T) {
	f, err := os.Open(p.logPath())
	if err != nil {
		return
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	t.Logf("---- last lines of %s output:\n%s", p.name, strings.Join(lines, "\n"))
}

// events returns the engine log's event IDs of p, oldest first.
func (p *proc) events(t *testing.T) []mgmt.LogEntry {
	t.Helper()
	return p.logEntries(t, mgmt.LogServiceEngine)
}

// managementEvents are p's management service log entries.
func (p *proc) managementEvents(t *testing.T) []mgmt.LogEntry {
	t.Helper()
	return p.logEntries(t, mgmt.LogServiceManagement)
}

// logEntries are the entries of one of p's logs.
func (p *proc) logEntries(t *testing.T, service string) []mgmt.LogEntry {
	t.Helper()
	c := p.client()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	page, err := c.ReadLogs(ctx, mgmt.LogQuery{Service: service, Tail: -1})
	if err != nil {
		t.Fatalf("reading %s %s logs: %v", p.name, service, err)
	}
	return page.Entries
}

// viewJSON is p's service view, as JSON.
func (p *proc) viewJSON(t *testing.T) string {
	t.Helper()
	c := p.client()
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	v, err := c.View(ctx)
	if err != nil {
		t.Fatalf("%s view: %v", p.name, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// countEvents counts the log entries of each event ID.
func countEvents(entries []mgmt.LogEntry) map[int]int {
	n := map[int]int{}
	for _, e := range entries {
		n[e.ID]++
	}
	return n
}
