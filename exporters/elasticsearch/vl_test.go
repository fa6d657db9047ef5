//go:build linux

package elasticsearch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dtrep/dtrep/internal/testtool"
)

// victoriaLogs is a VictoriaLogs server this test process started: a real
// store behind an Elasticsearch bulk endpoint, read back with LogsQL.
type victoriaLogs struct {
	base string // http://127.0.0.1:PORT
	pid  int
}

// cpuTime is the CPU time (user and system) VictoriaLogs used so far.
func (vl *victoriaLogs) cpuTime(t testing.TB) time.Duration {
	t.Helper()
	b, err := os.ReadFile("/proc/" + strconv.Itoa(vl.pid) + "/stat")
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command's closing parenthesis: utime and stime
	// are the 12th and 13th, in clock ticks (USER_HZ, 100 on Linux).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// startVictoriaLogs runs VictoriaLogs on a free loopback port with a
// temporary data directory and stops it (by its PID) when the test ends.
func startVictoriaLogs(t testing.TB) *victoriaLogs {
	t.Helper()
	bin := testtool.Path(t, "victoria-logs")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(t.TempDir(), "victoria-logs.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-httpListenAddr="+addr, "-storageDataPath="+t.TempDir(),
		"-retentionPeriod=100y", "-loggerLevel=WARN")
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		logf.Close()
	})
	vl := &victoriaLogs{base: "http://" + addr, pid: cmd.Process.Pid}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(vl.base + "/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return vl
			}
		}
		select {
		case <-exited:
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("victoria-logs exited: %s", b)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("victoria-logs not healthy on %s: %v", addr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// config is the exporter's configuration for this server, with the
// headers that make VictoriaLogs take @timestamp and message as its own.
func (vl *victoriaLogs) config() Config {
	h, _ := ParseHeaders("VL-Time-Field: @timestamp; VL-Msg-Field: message; VL-Stream-Fields: host.name,event.dataset")
	return Config{
		Addresses: []string{vl.base + "/insert/elasticsearch"}, Header: h, Namespace: "default",
		FlushBytes: 1 << 20, FlushInterval: 100 * time.Millisecond, BufferSize: 100000,
		Overflow: DropOldest, RetryBackoff: 50 * time.Millisecond, MaxBackoff: time.Second,
	}
}

// query runs a LogsQL query after making everything ingested searchable,
// and returns the matching records (VictoriaLogs stores every value as a
// string).
func (vl *victoriaLogs) query(t testing.TB, q string) []map[string]string {
	t.Helper()
	if res, err := http.Get(vl.base + "/internal/force_flush"); err == nil {
		res.Body.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, vl.base+"/select/logsql/query",
		strings.NewReader(url.Values{"query": {q}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("LogsQL %q: HTTP %d", q, res.StatusCode)
	}
	var out []map[string]string
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec map[string]string
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("LogsQL answer %q: %v", sc.Text(), err)
		}
		out = append(out, rec)
	}
	return out
}

// waitQuery repeats q until ok accepts the records.
func (vl *victoriaLogs) waitQuery(t testing.TB, q string, timeout time.Duration, ok func([]map[string]string) bool) []map[string]string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		recs := vl.query(t, q)
		if ok(recs) {
			return recs
		}
		if time.Now().After(deadline) {
			t.Fatalf("LogsQL %q: condition not met after %s; last %d records: %v", q, timeout, len(recs), recs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
