//go:build linux

package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/engine/settings/settingstest"
	"github.com/dtrep/dtrep/engine/statsfile"
)

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fileHas(path, s string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), s)
}

// A server started as `dtrep serve` starts it writes its engine log (with
// its own log lines), job logs and statistics file, and serves them to
// `dtrep logs`.
func TestServeWritesAndServesItsLogs(t *testing.T) {
	logDir := t.TempDir()
	serverLog := slog.New(serverLogs) // what main makes the default logger
	over := map[string]string{"LogDir": logDir, "StatsLoggingOn": "1", "StatsWriteInterval": "0"}
	st := settingstest.With(t, over)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	p := servertest.StartPair(t, servertest.Config{Source: over, SourceLog: serverLog,
		Prepare: func(src, _ *server.Server) {
			run, err := startLogs(src, st)
			if err != nil || run == nil {
				t.Fatalf("startLogs: %v", err)
			}
			go func() { defer close(done); run(ctx) }()
			// A second server on the same LogDir runs without file logs.
			if run2, err := startLogs(src, st); run2 != nil || err != nil {
				t.Errorf("a second writer of %s: %v", logDir, err)
			}
		}})
	engineLog := filepath.Join(logDir, "dtlog1.dtl")
	eventually(t, "service started (4000) in the engine log", func() bool { return fileHas(engineLog, "\t4000\t") })
	serverLog.Warn("probe line from the server's logger")
	eventually(t, "the server's own line in the engine log", func() bool {
		return fileHas(engineLog, "\t1\t0\tprobe line from the server's logger")
	})

	os.WriteFile(filepath.Join(p.SrcDir, "a"), []byte("a"), 0o644)
	p.CreateJob(t, "job1", nil)
	p.WaitIdle(t, "job1", 60*time.Second)
	id, _ := p.Src.JobID("job1")
	eventually(t, "the job log", func() bool { return fileHas(filepath.Join(logDir, "job-"+id+".log"), "\t4016\t") })
	eventually(t, "the statistics file", func() bool {
		f, err := statsfile.Open(filepath.Join(logDir, "statistic.sts"))
		if err != nil {
			return false
		}
		defer f.Close()
		_, err = f.Next()
		return err == nil
	})

	sock := mgmttest.ServeUnix(t, p.Src, p.Src, mgmt.Options{})
	out, err := runCLI(t, "--socket", sock, "logs", "--service", "engine")
	if err != nil || !strings.Contains(out, "Double-Take") || !strings.Contains(out, " 4000  ") ||
		!strings.Contains(out, "probe line from the server's logger") {
		t.Fatalf("dtrep logs --service engine: %v\n%s", err, out)
	}
	out, err = runCLI(t, "--socket", sock, "logs", "--job", "job1", "--lines", "-1")
	if err != nil || !strings.Contains(out, "Job  ") || !strings.Contains(out, " 4016  ") || strings.Contains(out, " 4000  ") {
		t.Fatalf("dtrep logs --job job1: %v\n%s", err, out)
	}
	_, err = runCLI(t, "--socket", sock, "logs", "--job", "nojob")
	wantCode(t, err, catalog.CodeJobNotExist)

	// A cursor reads only what came after it, across both logs.
	page, err := p.Src.ReadLogs(context.Background(), mgmt.LogQuery{})
	if err != nil || len(page.Entries) != 0 {
		t.Fatalf("tail 0: %+v, %v", page, err)
	}
	if err := p.Src.PauseJob(context.Background(), "job1"); err != nil {
		t.Fatal(err)
	}
	var got []mgmt.LogEntry
	eventually(t, "the pause through the cursor", func() bool {
		next, err := p.Src.ReadLogs(context.Background(), mgmt.LogQuery{Cursor: page.Cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, next.Entries...)
		page.Cursor = next.Cursor
		return len(got) > 0 && got[len(got)-1].ID == 4015
	})
	for _, e := range got {
		if e.ID == 4000 {
			t.Errorf("an old line came again: %+v", e)
		}
	}
	if _, err := p.Src.ReadLogs(context.Background(), mgmt.LogQuery{Cursor: "not-a-cursor"}); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Errorf("a bad cursor: %v", err)
	}
}
