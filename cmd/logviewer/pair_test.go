//go:build linux

package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/logfile"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
	"github.com/dtrep/dtrep/internal/syncbuf"
)

// loggedPair starts a pair whose source writes its logs in logDir, as
// `dtrep serve` does.
func loggedPair(t *testing.T, logDir string, over map[string]string) *servertest.Pair {
	t.Helper()
	over["LogDir"] = logDir
	router, err := logfile.OpenRouter(logfile.RouterOptions{Settings: settingstest.With(t, over)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	return servertest.StartPair(t, servertest.Config{Source: over,
		SourceLog: slog.New(logfile.NewHandler(router.Engine())),
		Prepare: func(s, _ *server.Server) {
			sub := s.Hub().Subscribe(4096, nil)
			go func() { defer close(done); router.Serve(ctx, sub) }()
		}})
}

// viewer runs logviewer until stop is called; stop returns its output.
func viewer(t *testing.T, args ...string) (out *syncbuf.Buffer, stop func() string) {
	t.Helper()
	out = &syncbuf.Buffer{}
	var errOut syncbuf.Buffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- run(ctx, args, out, &errOut) }()
	stopped := false
	stop = func() string {
		if !stopped {
			stopped = true
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("logviewer %q: exit %d: %s", args, code, errOut.String())
			}
		}
		return out.String()
	}
	t.Cleanup(func() { stop() })
	return out, stop
}

// waitFor waits until the viewer has printed text.
func waitFor(t *testing.T, out *syncbuf.Buffer, text string) {
	t.Helper()
	waitOutput(t, out, fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

func waitLines(t *testing.T, out *syncbuf.Buffer, n int) {
	t.Helper()
	waitOutput(t, out, fmt.Sprintf("%d lines", n), func(s string) bool { return strings.Count(s, "\n") >= n })
}

// waitOutput waits until the viewer's output satisfies ok.
func waitOutput(t *testing.T, out *syncbuf.Buffer, what string, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("logviewer did not print %s:\n%s", what, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func pauseResume(t *testing.T, p *servertest.Pair, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if err := p.Src.PauseJob(context.Background(), "job1"); err != nil {
			t.Fatal(err)
		}
		if err := p.Src.ResumeJob(context.Background(), "job1"); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogViewerOnAReplicatingPairsLog(t *testing.T) {
	pollEvery = 20 * time.Millisecond
	logDir := t.TempDir()
	p := loggedPair(t, logDir, map[string]string{"MaxLogFileSize": "500", "MaxNumberOfLogFiles": "100"})
	os.WriteFile(filepath.Join(p.SrcDir, "a.txt"), []byte("a"), 0o644)
	p.CreateJob(t, "job1", nil)
	p.WaitIdle(t, "job1", 60*time.Second)
	pauseResume(t, p, 5)

	// Only the pause and resume messages, without the process, thread and
	// sequence columns; the whole series, in order, from any of its files.
	out, stop := viewer(t, "-PATH", filepath.Join(logDir, "dtlog1.dtl"), "-INCLUDE", "4014-4015", "-NOPID", "-NOTID", "-NOSEQ")
	waitLines(t, out, 10)
	if files, _ := logfile.SeriesFiles(logDir, "dtlog", ".dtl"); len(files) < 3 {
		t.Fatalf("the log did not rotate: %v", files)
	}
	// Following: new messages appear while logviewer runs, across files.
	pauseResume(t, p, 3)
	waitLines(t, out, 16)
	text := stop()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 16 {
		t.Fatalf("%d lines:\n%s", len(lines), text)
	}
	for i, l := range lines {
		cols := strings.Split(l, "\t")
		wantID := []string{"4015", "4014"}[i%2]
		if len(cols) != 5 || cols[2] != "2" || cols[3] != wantID {
			t.Fatalf("line %d: %q, want date, time, type 2, ID %s, text", i, cols, wantID)
		}
		if _, err := time.Parse("01/02/2006", cols[0]); err != nil {
			t.Fatalf("line %d date %q", i, cols[0])
		}
	}

	// -TYPE 1 leaves the information messages out; -EXCLUDE and -NOTYPE.
	// An error raised after they start is the last line of the log: once
	// a viewer has printed it, it has read everything before it.
	out, stop = viewer(t, "-path", logDir, "-type", "1")
	p.Src.Hub().Raise(catalog.EventDoubleTake4011, events.Context{}, "marker-set", "10.0.0.9", "10.0.0.9:6320")
	waitLines(t, out, 1)
	if text := stop(); strings.Count(text, "\n") != 1 || !strings.Contains(text, "marker-set") {
		t.Errorf("-type 1 printed more than the error:\n%s", text)
	}
	out, stop = viewer(t, "-path", logDir, "-exclude", "4014-4015,0", "-NODATE", "-NOTIME", "-NOTYPE")
	waitFor(t, out, "marker-set")
	for _, l := range strings.Split(strings.TrimSuffix(stop(), "\n"), "\n") {
		cols := strings.Split(l, "\t")
		if len(cols) != 5 || cols[3] == "4014" || cols[3] == "4015" || cols[3] == "0" {
			t.Errorf("-exclude 4014-4015,0 printed %q", cols)
		}
	}
}

func TestLogViewerMissingPath(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"-path", filepath.Join(t.TempDir(), "none.dtl")}, &out, &errOut); code != 2 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
}
