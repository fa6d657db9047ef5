package logfile

import (
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func parsedLines(t *testing.T, path string) []Line {
	t.Helper()
	var out []Line
	for _, s := range readLinesOf(t, path) {
		l, err := ParseLine(s)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, l)
	}
	return out
}

func TestEngineLogLevelsAndSequence(t *testing.T) {
	dir := t.TempDir()
	set := newSettings(dir, "LogMessageLevel", "1")
	l, err := OpenEngineLog(set)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	l.Log(now, ClassAlert, TypeAlert, 4011, "alert")
	l.Log(now, ClassRelease, TypeInfo, 4016, "release, not logged at level 1")
	set.set("LogMessageLevel", "3")
	l.Log(now, ClassRelease, TypeInfo, 4016, "release")
	l.Log(now, ClassDebug, TypeInfo, 0, "debug")
	set.set("LogMessageLevel", "0")
	l.Log(now, ClassAlert, TypeAlert, 4011, "nothing at level 0")
	l.Close()

	got := parsedLines(t, filepath.Join(dir, "dtlog1.dtl"))
	var texts []string
	for i, g := range got {
		texts = append(texts, g.Text)
		if g.Seq != uint64(i+1) {
			t.Errorf("line %d has sequence %d", i, g.Seq)
		}
	}
	if strings.Join(texts, "|") != "alert|release|debug" {
		t.Fatalf("logged %q", texts)
	}
	if got[0].Type != TypeAlert || got[0].ID != 4011 || got[1].Type != TypeInfo || got[1].ID != 4016 {
		t.Errorf("columns %+v", got)
	}

	// A restart continues the sequence where the file left it.
	set.set("LogMessageLevel", "2")
	l, err = OpenEngineLog(set)
	if err != nil {
		t.Fatal(err)
	}
	l.Log(now, ClassRelease, TypeInfo, 4000, "restarted")
	l.Close()
	got = parsedLines(t, filepath.Join(dir, "dtlog1.dtl"))
	if last := got[len(got)-1]; last.Seq != 4 || last.Text != "restarted" {
		t.Fatalf("after a restart: %+v", last)
	}
}

func TestEngineLogFollowsSizeSettings(t *testing.T) {
	dir := t.TempDir()
	set := newSettings(dir, "LogFile", "custom")
	l, err := OpenEngineLog(set)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	set.set("MaxLogFileSize", "100")
	set.set("MaxNumberOfLogFiles", "2")
	for i := 0; i < 20; i++ {
		l.Log(time.Now(), ClassAlert, TypeAlert, 1, "a line of some length")
	}
	files := names(t, dir, "custom*.dtl")
	if len(files) != 2 {
		t.Fatalf("files %v, want two", files)
	}
}

func TestEngineBase(t *testing.T) {
	for in, want := range map[string]string{"": "dtlog", "DTLog": "dtlog", "dtlog": "dtlog", "MyLog": "MyLog"} {
		if got := EngineBase(in); got != want {
			t.Errorf("EngineBase(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	set := newSettings(dir)
	l, err := OpenEngineLog(set)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(NewHandler(l)).With("job", "job 1").WithGroup("conn")
	log.Warn("connect failed", "id", 3, "err", "refused")
	log.Info("connected", slog.Group("peer", "addr", "10.0.0.2:6320"))
	log.Debug("not at level 2")
	if log.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("debug enabled at LogMessageLevel 2")
	}
	set.set("LogMessageLevel", "3")
	log.Debug("debug at level 3")
	l.Close()
	got := parsedLines(t, filepath.Join(dir, "dtlog1.dtl"))
	want := []struct {
		typ  int
		text string
	}{
		{TypeAlert, `connect failed job="job 1" conn.id=3 conn.err=refused`},
		{TypeInfo, `connected job="job 1" conn.peer.addr=10.0.0.2:6320`},
		{TypeInfo, `debug at level 3 job="job 1"`},
	}
	if len(got) != len(want) {
		t.Fatalf("lines %+v", got)
	}
	for i, w := range want {
		if got[i].Type != w.typ || got[i].Text != w.text || got[i].ID != 0 {
			t.Errorf("line %d: %d %q, want %d %q", i, got[i].Type, got[i].Text, w.typ, w.text)
		}
	}
}

func TestLockDir(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockDir(dir); err == nil {
		t.Fatal("a second writer locked the same directory")
	}
	unlock()
	unlock2, err := LockDir(dir)
	if err != nil {
		t.Fatalf("after unlock: %v", err)
	}
	unlock2()
}
