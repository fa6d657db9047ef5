package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/repset"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/view"
	"github.com/dtrep/dtrep/internal/syncbuf"
)

func testView() view.View {
	set := view.SetInput{Name: "job1", Root: "/data", InUse: true, Rules: []repset.Rule{{Include: true, Recursive: true}}}
	idle := view.SetInput{Name: "old", Root: "/old", Rules: []repset.Rule{{Include: true, Recursive: true}}}
	v, _ := view.Build(view.Input{Catalog: catalog.Must(), ServerName: "alpha", ProductVersion: "dtrep test",
		OperatingSystem: "Linux", SourceRunning: true, TargetRunning: true,
		Connections: []view.ConnInput{
			{ID: 1, Job: "job1", InUse: true, Set: set, Target: "beta:6320", TargetPath: "/replica",
				TransmitMode: "Active", MirrorStatus: "Idle", ReplicationStatus: "Ready", TargetDataState: "OK",
				ConState: catalog.ConStateActive, ConnectedSince: time.Now(),
				Counters: stats.Instance{Values: map[string]int64{"conBytesTx": 4242}}},
			{ID: 2, Job: "gone", InUse: false, Set: set, Target: "gamma:6320", TargetPath: "/r2",
				TransmitMode: "Error", MirrorStatus: "Idle", ReplicationStatus: "Pending", TargetDataState: "Mirror Required",
				ConState: catalog.ConStateError},
		},
		Sets:    []view.SetInput{set, idle},
		Entries: []view.EntryInput{{SourceName: "delta", SourceAddress: "10.0.0.4:5000", ReplicationSet: "d1", ConnectionID: 1, TargetDataState: "Disconnected", TargetStatus: "OK"}},
	})
	return v
}

func TestViewCommand(t *testing.T) {
	fake, _, sock := testServer(t)
	fake.SetView(testView())

	out, err := runCLI(t, "--socket", sock, "view")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`(?m)^Server Properties$`, `(?m)^  Server name: +alpha$`, `(?m)^Connections$`,
		`(?m)^  job1 +2 +gamma:6320 +gamma:6320 /r2 +Mirror Required +Retrying +Error `,
		`(?m)^  old +No +- +0 +0 +0$`, `(?m)^Target connection entries$`, `(?m)^  delta +10\.0\.0\.4:5000 +d1 +1 +Disconnected +OK$`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("view lacks %s:\n%s", want, out)
		}
	}

	out, err = runCLI(t, "--socket", sock, "view", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var v view.View
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if got, _ := v.Connections[0].Row.Get("Sent (bytes)"); got != "4242" || len(v.ReplicationSets) != 2 {
		t.Errorf("view JSON %+v", v)
	}

	out, err = runCLI(t, "--socket", sock, "view", "connection", "1")
	if err != nil || !strings.Contains(out, "Connection 1 (job1)") || !strings.Contains(out, "  Sent (bytes):") ||
		!strings.Contains(out, "/data  Inc, Rec") {
		t.Errorf("view connection 1: %v\n%s", err, out)
	}
	out, err = runCLI(t, "--socket", sock, "view", "set", "old", "--format", "json")
	if err != nil || !strings.Contains(out, `"In Use": "No"`) {
		t.Errorf("view set old: %v\n%s", err, out)
	}
	out, err = runCLI(t, "--socket", sock, "view", "entry", "1")
	if err != nil || !strings.Contains(out, "Target connection entry 1") || !strings.Contains(out, "Disconnected") {
		t.Errorf("view entry 1: %v\n%s", err, out)
	}

	_, err = runCLI(t, "--socket", sock, "view", "connection", "9")
	wantCode(t, err, catalog.CodeConnectionNotExist)
	_, err = runCLI(t, "--socket", sock, "view", "connection", "x")
	wantCode(t, err, 183)
	_, err = runCLI(t, "--socket", sock, "view", "set", "nope")
	wantCode(t, err, catalog.CodeJobNotExist)
	_, err = runCLI(t, "--socket", sock, "view", "--format", "xml")
	wantCode(t, err, catalog.CodeInvalidOption)
}

func TestViewDelete(t *testing.T) {
	fake, _, sock := testServer(t)
	fake.SetView(testView())
	_, err := runCLI(t, "--socket", sock, "view", "delete", "connection", "1")
	wantCode(t, err, catalog.CodeJobInUse)
	_, err = runCLI(t, "--socket", sock, "view", "delete", "set", "job1")
	wantCode(t, err, catalog.CodeJobInUse)
	out, err := runCLI(t, "--socket", sock, "view", "delete", "connection", "2")
	if err != nil || out != "connection 2: deleted\n" {
		t.Fatalf("%q, %v", out, err)
	}
	out, err = runCLI(t, "--socket", sock, "view", "delete", "set", "old")
	if err != nil || out != "replication set old: deleted\n" {
		t.Fatalf("%q, %v", out, err)
	}
	_, err = runCLI(t, "--socket", sock, "view", "delete", "set", "old")
	wantCode(t, err, catalog.CodeJobNotExist)
	calls := strings.Join(fake.Calls(), "|")
	if !strings.Contains(calls, "DeleteConnection 2") || !strings.Contains(calls, "DeleteReplicationSet old") {
		t.Errorf("calls %s", calls)
	}
}

func TestViewWatch(t *testing.T) {
	fake, _, sock := testServer(t)
	fake.SetView(testView())
	resetFlags(rootCmd)
	out := &syncbuf.Buffer{}
	rootCmd.SetOut(out)
	rootCmd.SetErr(out)
	rootCmd.SetArgs([]string{"--socket", sock, "view", "set", "old", "--watch", "--interval", "100ms"})
	ctx, cancel := context.WithCancel(context.Background())
	setCmd, _, err := rootCmd.Find([]string{"view", "set"})
	if err != nil {
		t.Fatal(err)
	}
	setCmd.SetContext(ctx)
	defer setCmd.SetContext(context.Background())
	done := make(chan error)
	go func() { done <- rootCmd.Execute() }()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(out.String(), "Replication set old") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "--- "); n < 2 || n != strings.Count(out.String(), "Replication set old") {
		t.Fatalf("watch output:\n%s", out.String())
	}
	_, err = runCLI(t, "--socket", sock, "view", "--watch", "--interval", "1ms")
	wantCode(t, err, catalog.CodeInvalidOption)
}
