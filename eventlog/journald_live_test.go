//go:build linux

package eventlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters"
	"github.com/dtrep/dtrep/internal/testtool"
)

// journald is a real systemd-journald running a journal namespace of its
// own (no systemd PID 1 needed), stopped and removed when the test ends.
type journald struct {
	namespace string
	socket    string
	bin       string
	cmd       *exec.Cmd
}

func startJournald(t testing.TB) *journald {
	t.Helper()
	bin := "/lib/systemd/systemd-journald"
	if _, err := os.Stat(bin); err != nil {
		bin = testtool.Path(t, "systemd-journald") // not on PATH on Debian: found only if moved
	}
	testtool.Path(t, "journalctl")
	if os.Geteuid() != 0 {
		testtool.Missing(t, "systemd-journald needs root")
	}
	j := &journald{namespace: fmt.Sprintf("dtreptest%d%d", os.Getpid(), time.Now().UnixNano()%1e6), bin: bin}
	run := "/run/systemd/journal." + j.namespace
	j.socket = filepath.Join(run, "socket")
	t.Cleanup(func() {
		j.stop()
		os.RemoveAll(run)
		dirs, _ := filepath.Glob("/var/log/journal/*." + j.namespace)
		more, _ := filepath.Glob("/run/log/journal/*." + j.namespace)
		for _, d := range append(dirs, more...) {
			os.RemoveAll(d)
		}
	})
	j.start(t)
	return j
}

// start runs journald for the namespace and waits for its socket.
func (j *journald) start(t testing.TB) {
	t.Helper()
	os.Remove(j.socket)
	j.cmd = exec.Command(j.bin, j.namespace)
	j.cmd.Stdout, j.cmd.Stderr = io.Discard, io.Discard
	if err := j.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 10*time.Second, "journald socket", func() bool { return JournalAvailable(j.socket) })
}

// stop ends journald (by its PID) and waits for it.
func (j *journald) stop() {
	if j.cmd.ProcessState == nil {
		_ = j.cmd.Process.Kill()
		_ = j.cmd.Wait()
	}
}

// query returns the namespace's entries matching the journalctl matches.
func (j *journald) query(t testing.TB, matches ...string) []map[string]any {
	t.Helper()
	args := append([]string{"--namespace=" + j.namespace, "-o", "json", "--no-pager"}, matches...)
	out, err := exec.Command("journalctl", args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("journalctl %v: %v: %s", args, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("journalctl line %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

// waitQuery polls until ok accepts the entries.
func (j *journald) waitQuery(t testing.TB, ok func([]map[string]any) bool, matches ...string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	waitFor(t, 30*time.Second, fmt.Sprintf("journal entries %v", matches), func() bool {
		recs = j.query(t, matches...)
		return ok(recs)
	})
	return recs
}

// runConsumer runs a consumer for eng until the test ends.
func runConsumer(t testing.TB, eng exporters.Engine, routes []Route, size int) *Consumer {
	t.Helper()
	c := NewConsumer(eng, routes, size, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("consumer: %v", err)
		}
	})
	return c
}

func str(r map[string]any, k string) string { s, _ := r[k].(string); return s }

// A replicating pair's events land in a real journald with their fields;
// journalctl finds them by MESSAGE_ID and by DTREP_EVENT_ID, and the
// generated message catalog explains them under journalctl -x.
func TestJournaldReplicatingPair(t *testing.T) {
	j := startJournald(t)
	p := startPairWith(t, func(eng exporters.Engine) {
		runConsumer(t, eng, []Route{{Writer: NewJournalWriter(j.socket, eng.ServerName()), Levels: AllLevels}}, 0)
	})
	writeFiles(t, p.SrcDir, 10)
	p.CreateJob(t, "jdjob", nil)
	p.WaitIdle(t, "jdjob", 60*time.Second)

	mid := MessageID(events.SourceEngine, 4023)
	recs := j.waitQuery(t, func(r []map[string]any) bool { return len(r) >= 1 }, "MESSAGE_ID="+mid, "DTREP_SERVER=source")
	r := recs[0]
	ce, _ := catalog.Must().Event(events.SourceEngine, 4023)
	want := map[string]string{
		"PRIORITY": "6", "SYSLOG_IDENTIFIER": "dtrep", FieldEventID: "4023", FieldSource: "Double-Take",
		FieldLog: "Application", FieldLevel: "Information", FieldJob: "jdjob", FieldConnectionID: "1",
		"_NAMESPACE": j.namespace,
	}
	for k, v := range want {
		if str(r, k) != v {
			t.Errorf("4023 %s = %q, want %q", k, str(r, k), v)
		}
	}
	var args []string
	for i := 1; str(r, ArgField(i)) != ""; i++ {
		args = append(args, str(r, ArgField(i)))
	}
	if msg := str(r, "MESSAGE"); msg != ce.Render(args...) || !strings.HasPrefix(msg, "Service has completed a mirror") {
		t.Errorf("4023 MESSAGE %q, insertion strings %q", msg, args)
	}
	// By field: the connection established (4016), on the source.
	j.waitQuery(t, func(r []map[string]any) bool { return len(r) >= 1 && str(r[0], FieldJob) == "jdjob" },
		FieldEventID+"=4016", "DTREP_SERVER=source")

	explained := journalExplain(t, j, "MESSAGE_ID="+mid)
	for _, s := range []string{"Subject: Service has completed a mirror", "User action required: " + ce.Action} {
		if !strings.Contains(explained, s) {
			t.Errorf("journalctl -x lacks %q:\n%s", s, explained)
		}
	}
	if strings.Contains(explained, "@DTREP_ARG") {
		t.Errorf("journalctl -x left insertion fields unfilled:\n%s", explained)
	}
}

// journalExplain runs journalctl -x on the namespace with the committed
// catalog compiled in a private tree. journalctl -x reads the compiled
// catalog from /var/lib/systemd/catalog only, so it runs in a mount
// namespace of its own where that directory is the test's: nothing on the
// machine changes.
func journalExplain(t testing.TB, j *journald, match string) string {
	t.Helper()
	testtool.Path(t, "unshare")
	root := t.TempDir()
	catDir := filepath.Join(root, "usr/lib/systemd/catalog")
	if err := os.MkdirAll(catDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(catDir, "dtrep.catalog"), JournalCatalog(catalog.Must()), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("journalctl", "--root="+root, "--update-catalog").CombinedOutput(); err != nil {
		t.Fatalf("journalctl --update-catalog: %v\n%s", err, out)
	}
	db := filepath.Join(root, "var/lib/systemd/catalog")
	script := `mkdir -p /var/lib/systemd/catalog && mount --bind "$1" /var/lib/systemd/catalog &&
		exec journalctl -x --no-pager --namespace="$2" "$3"`
	out, err := exec.Command("unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
		db, j.namespace, match).CombinedOutput()
	if err != nil {
		t.Fatalf("journalctl -x: %v\n%s", err, out)
	}
	return string(out)
}
