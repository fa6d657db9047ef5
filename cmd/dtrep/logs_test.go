package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/internal/syncbuf"
)

func logEntry(i int) mgmt.LogEntry {
	return mgmt.LogEntry{Time: time.Date(2026, 1, 2, 3, 4, i, 0, time.Local), Service: "Double-Take", Type: 2,
		ID: 4000 + i, Message: "message " + string(rune('a'+i))}
}

func TestLogsCommand(t *testing.T) {
	fake, _, sock := testServer(t)
	var entries []mgmt.LogEntry
	for i := 0; i < 5; i++ {
		entries = append(entries, logEntry(i))
	}
	fake.SetLogs(entries)
	out, err := runCLI(t, "--socket", sock, "logs", "--lines", "2")
	if err != nil {
		t.Fatal(err)
	}
	want := "2026-01-02 03:04:03  Double-Take          4003  message d\n" +
		"2026-01-02 03:04:04  Double-Take          4004  message e\n"
	if out != want {
		t.Fatalf("logs --lines 2:\n%q\nwant\n%q", out, want)
	}
	out, err = runCLI(t, "--socket", sock, "logs", "--format", "json", "--lines", "-1")
	if err != nil || strings.Count(out, "\n") != 5 {
		t.Fatalf("%v\n%s", err, out)
	}
	var e mgmt.LogEntry
	if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &e); err != nil || e.ID != 4000 {
		t.Fatalf("first JSON line %+v, %v", e, err)
	}
	_, err = runCLI(t, "--socket", sock, "logs", "--service", "console")
	wantCode(t, err, catalog.CodeInvalidOption)
	_, err = runCLI(t, "--socket", sock, "logs", "--service", "engine", "--job", "job1")
	wantCode(t, err, catalog.CodeInvalidOption)
	if calls := strings.Join(fake.Calls(), "|"); strings.Count(calls, "ReadLogs") != 2 {
		t.Errorf("calls %s: refused commands were sent", calls)
	}
}

func TestLogsFollow(t *testing.T) {
	fake, _, sock := testServer(t)
	fake.SetLogs([]mgmt.LogEntry{logEntry(0)})
	logsPoll = 10 * time.Millisecond
	defer func() { logsPoll = time.Second }()

	resetFlags(rootCmd)
	out := &syncbuf.Buffer{}
	rootCmd.SetOut(out)
	rootCmd.SetErr(out)
	rootCmd.SetArgs([]string{"--socket", sock, "logs", "--follow"})
	ctx, cancel := context.WithCancel(context.Background())
	// cobra keeps the context a command got in an earlier run: hand this
	// one to the logs command itself.
	logsCmd, _, err := rootCmd.Find([]string{"logs"})
	if err != nil {
		t.Fatal(err)
	}
	logsCmd.SetContext(ctx)
	defer logsCmd.SetContext(context.Background())
	done := make(chan error)
	go func() { done <- rootCmd.Execute() }()
	waitOutput(t, out, "message a")
	fake.AppendLogs(logEntry(1), logEntry(2))
	waitOutput(t, out, "message c")
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Count(out.String(), "\n") != 3 {
		t.Fatalf("follow printed:\n%s", out.String())
	}
}

func waitOutput(t *testing.T, out *syncbuf.Buffer, s string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(out.String(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in:\n%s", s, out.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
}
