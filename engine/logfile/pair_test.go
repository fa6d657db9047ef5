//go:build linux

package logfile_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/logfile"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/server/servertest"
	"github.com/dtrep/dtrep/engine/settings"
)

// loggedPair starts a pair whose source writes its logs in logDir with the
// given settings, as `dtrep serve` does.
func loggedPair(t *testing.T, logDir string, over map[string]string) *servertest.Pair {
	t.Helper()
	over["LogDir"] = logDir
	base, err := settings.Open(filepath.Join(t.TempDir(), "none.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var src *server.Server
	router, err := logfile.OpenRouter(logfile.RouterOptions{Settings: settings.Overlay{Base: base, Over: over},
		JobID: func(job string) (string, bool) { return src.JobID(job) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done }) // after the pair stops: its last events are logged
	return servertest.StartPair(t, servertest.Config{Source: over,
		SourceLog: slog.New(logfile.NewHandler(router.Engine())),
		Prepare: func(s, _ *server.Server) {
			src = s
			sub := s.Hub().Subscribe(4096, nil)
			go func() { defer close(done); router.Serve(ctx, sub) }()
		}})
}

// seriesLines reads the series oldest first.
func seriesLines(t *testing.T, dir string) ([]string, []logfile.Line) {
	t.Helper()
	files, err := logfile.SeriesFiles(dir, "dtlog", ".dtl")
	if err != nil {
		t.Fatal(err)
	}
	var lines []logfile.Line
	for _, f := range files {
		b, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue // the series rotated past this file since it was listed
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
			if s == "" {
				continue // a file just opened
			}
			l, err := logfile.ParseLine(s)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			lines = append(lines, l)
		}
	}
	return files, lines
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func hasID(t *testing.T, dir string, id, n int) bool {
	_, lines := seriesLines(t, dir)
	c := 0
	for _, l := range lines {
		if l.ID == id {
			c++
		}
	}
	return c >= n
}

func TestEngineLogOfAReplicatingPairRotatesAndWraps(t *testing.T) {
	logDir := t.TempDir()
	// The series stands at 998 when the server starts: it wraps to 1 during
	// the run, and 998 goes when the fifth file opens.
	old := logfile.Line{Time: time.Now().Add(-time.Hour), PID: 1, TID: 1, Seq: 41, Type: logfile.TypeInfo, ID: 4000, Text: "old"}
	if err := os.WriteFile(filepath.Join(logDir, "dtlog998.dtl"), old.Append(nil), 0o644); err != nil {
		t.Fatal(err)
	}
	p := loggedPair(t, logDir, map[string]string{"MaxLogFileSize": "700", "MaxNumberOfLogFiles": "4"})
	os.WriteFile(filepath.Join(p.SrcDir, "a.txt"), []byte("a"), 0o644)
	p.CreateJob(t, "job1", nil)
	p.WaitIdle(t, "job1", 60*time.Second)
	ctx := context.Background()
	const cycles = 12
	for i := 0; i < cycles; i++ {
		if err := p.Src.PauseJob(ctx, "job1"); err != nil {
			t.Fatal(err)
		}
		if err := p.Src.ResumeJob(ctx, "job1"); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the pauses and resumes in the engine log", func() bool { return hasID(t, logDir, 4014, cycles) })

	files, lines := seriesLines(t, logDir)
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = filepath.Base(f)
		fi, _ := os.Stat(f)
		if fi.Size() > 700 {
			t.Errorf("%s is %d bytes, MaxLogFileSize 700", names[i], fi.Size())
		}
	}
	if len(files) != 4 {
		t.Fatalf("series %v: want MaxNumberOfLogFiles (4) files", names)
	}
	if names[0] == "dtlog998.dtl" || !strings.Contains(strings.Join(names, " "), "dtlog1.dtl") {
		t.Fatalf("series %v did not wrap from 999 to 1", names)
	}
	for i := 1; i < len(lines); i++ {
		if lines[i].Seq != lines[i-1].Seq+1 {
			t.Fatalf("sequence %d follows %d (lines %d, %d)", lines[i].Seq, lines[i-1].Seq, i-1, i)
		}
	}
	pid := os.Getpid()
	cat := catalog.Must()
	want4015, _ := cat.Event(events.SourceEngine, 4015)
	seen := 0
	for _, l := range lines {
		if l.PID != pid || l.TID == 0 {
			t.Errorf("line %d: process %d thread %d", l.Seq, l.PID, l.TID)
		}
		if l.ID == 4015 {
			seen++
			if l.Type != logfile.TypeInfo || l.Text != want4015.Render() {
				t.Errorf("4015 logged as type %d %q", l.Type, l.Text)
			}
		}
	}
	if seen == 0 {
		t.Error("no 4015 left in the series")
	}

	// The job's own log has the job's events, not the server's.
	id, _ := p.Src.JobID("job1")
	jb, err := os.ReadFile(filepath.Join(logDir, logfile.JobLogName(id)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(jb), "\t4015\t") || strings.Contains(string(jb), "\t4000\t") {
		t.Errorf("job log:\n%s", jb)
	}
	if _, err := os.Stat(filepath.Join(logDir, logfile.MasterLogName)); err != nil {
		t.Errorf("master.log: %v", err)
	}
}

func TestEngineLogHonoursLogMessageLevel(t *testing.T) {
	logDir := t.TempDir()
	p := loggedPair(t, logDir, map[string]string{"LogMessageLevel": "1"})
	p.CreateJob(t, "job1", func(s *mgmt.JobSpec) { s.Target = "127.0.0.1:1" }) // nothing listens: connects fail
	waitFor(t, "a warning", func() bool {
		_, lines := seriesLines(t, logDir)
		return len(lines) > 1
	})
	_, lines := seriesLines(t, logDir)
	fromSlog := false
	for _, l := range lines {
		if l.Type != logfile.TypeAlert {
			t.Errorf("LogMessageLevel 1 logged %s", fmt.Sprint(l))
		}
		// The server's own warning reaches the engine log through Handler.
		fromSlog = fromSlog || (l.ID == 0 && strings.HasPrefix(l.Text, "connect failed ") && strings.Contains(l.Text, "127.0.0.1:1"))
	}
	if !fromSlog {
		t.Errorf("no \"connect failed\" line from the server's log in %+v", lines)
	}
}
