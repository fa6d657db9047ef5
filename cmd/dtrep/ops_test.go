package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/mgmt/mgmttest"
	"github.com/dtrep/dtrep/engine/schedule"
)

// opsFake is a Manager with Operations that records each call.
type opsFake struct {
	*mgmttest.Fake
	mu    sync.Mutex
	calls []string
	sched map[string]*schedule.Spec
}

func (f *opsFake) record(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, fmt.Sprintf(format, args...))
}

func (f *opsFake) StartActivity(_ context.Context, name, activity string, o mgmt.ActivityOptions) error {
	f.record("start %s %s %+v", activity, name, o)
	return nil
}

func (f *opsFake) ControlActivity(_ context.Context, name, activity, action string) error {
	f.record("%s %s %s", action, activity, name)
	if action == mgmt.ActionResume {
		return catalog.Err(catalog.CodeMirrorNotPaused, "not paused")
	}
	return nil
}

func (f *opsFake) SubmitTask(_ context.Context, name string, t mgmt.TaskSpec) (mgmt.TaskReceipt, error) {
	timeout := int64(300)
	if t.Timeout != nil {
		timeout = *t.Timeout
	}
	f.record("task %s %q by=%v timeout=%d", name, t.Argv, t.By != "", timeout)
	return mgmt.TaskReceipt{ID: 7, Name: t.Argv[0], Timeout: timeout}, nil
}

func (f *opsFake) SetSchedule(_ context.Context, name string, s *schedule.Spec) error {
	f.record("schedule %s %v", name, s != nil)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sched[name] = s
	return nil
}

func (f *opsFake) Schedule(_ context.Context, name string) (*schedule.Spec, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sched[name], nil
}

func (f *opsFake) RequireRestore(_ context.Context, set string) error {
	f.record("failover %s", set)
	return nil
}

func opsServer(t *testing.T) (*opsFake, string) {
	t.Helper()
	f := &opsFake{Fake: mgmttest.NewFake(), sched: map[string]*schedule.Spec{}}
	return f, mgmttest.ServeUnix(t, f, &mgmttest.Logins{}, mgmt.Options{})
}

func TestActivityCommands(t *testing.T) {
	f, sock := opsServer(t)
	for _, step := range []struct {
		args []string
		out  string
	}{
		{[]string{"verify", "start", "web", "--checksum", "--fix"}, "verify web: verification started\n"},
		{[]string{"verify", "start", "web"}, "verify web: verification started\n"},
		{[]string{"verify", "pause", "web"}, "verify web: verification paused\n"},
		{[]string{"orphans", "start", "web"}, "orphans web: orphan removal started\n"},
		{[]string{"orphans", "stop", "web"}, "orphans web: orphan removal stopped\n"},
		{[]string{"restore", "start", "web", "--checksum"}, "restore web: restore started\n"},
		{[]string{"target", "failover", "web"}, "target: web requires a restore\n"},
	} {
		out, err := runCLI(t, append([]string{"--socket", sock}, step.args...)...)
		if err != nil || out != step.out {
			t.Fatalf("%v: %q, %v; want %q", step.args, out, err, step.out)
		}
	}
	_, err := runCLI(t, "--socket", sock, "restore", "resume", "web")
	wantCode(t, err, catalog.CodeMirrorNotPaused)
	_, err = runCLI(t, "--socket", sock, "verify", "start", "../x")
	if catalog.CodeOf(err) == 0 {
		t.Fatal("a bad job name was sent")
	}
	want := []string{
		"start verify web {Checksum:true Fix:true Orphans:false}",
		"start verify web {Checksum:false Fix:false Orphans:false}",
		"pause verify web", "start orphans web {Checksum:false Fix:false Orphans:false}", "stop orphans web",
		"start restore web {Checksum:true Fix:false Orphans:false}", "failover web", "resume restore web",
	}
	if got := strings.Join(f.calls, "\n"); got != strings.Join(want, "\n") {
		t.Fatalf("calls:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}

func TestTaskSubmitCommand(t *testing.T) {
	f, sock := opsServer(t)
	out, err := runCLI(t, "--socket", sock, "task", "submit", "web", "--timeout", "0", "--", "/bin/echo", "-n", "hi")
	if err != nil || out != "task web: /bin/echo queued as task 7 (not waited for)\n" {
		t.Fatalf("%q %v", out, err)
	}
	out, err = runCLI(t, "--socket", sock, "task", "submit", "web", "--", "/bin/true")
	if err != nil || out != "task web: /bin/true queued as task 7 (waits 300 s)\n" {
		t.Fatalf("%q %v", out, err)
	}
	for _, args := range [][]string{
		{"task", "submit", "web", "--"},       // no command
		{"task", "submit", "--", "/bin/true"}, // no job
		{"task", "submit", "web", "--timeout", "-2", "--", "x"},
	} {
		if _, err := runCLI(t, append([]string{"--socket", sock}, args...)...); catalog.CodeOf(err) == 0 {
			t.Errorf("%v accepted", args)
		}
	}
	if _, err := runCLI(t, "--socket", sock, "task", "submit", "web", "/bin/true"); err != nil {
		t.Fatalf("a command without options needs no --: %v", err)
	}
	want := `task web ["/bin/echo" "-n" "hi"] by=true timeout=0` + "\n" + `task web ["/bin/true"] by=true timeout=300` +
		"\n" + `task web ["/bin/true"] by=true timeout=300`
	if got := strings.Join(f.calls, "\n"); got != want {
		t.Fatalf("calls:\n%s\nwant:\n%s", got, want)
	}
}

func TestScheduleCommands(t *testing.T) {
	f, sock := opsServer(t)
	doc := `{"bandwidth":[{"name":"Day","days":["mon","fri"],"start":"08:00","end":"18:00","kbps":512}],
		"transmit":[{"start":"20:00","end":"06:00"}],"verify":{"every_minutes":60,"checksum":true}}`
	file := filepath.Join(t.TempDir(), "s.json")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "--socket", sock, "schedule", "set", "web", file); err != nil || out != "schedule web: set\n" {
		t.Fatalf("%q %v", out, err)
	}
	out, err := runCLI(t, "--socket", sock, "schedule", "show", "web")
	wantText := "schedule web:\n  bandwidth \"Day\": mon,fri 08:00-18:00, 512 Kbps\n  transmit: every day 20:00-06:00\n" +
		"  verify: every 60 minutes (checksum)\n"
	if err != nil || out != wantText {
		t.Fatalf("%q %v\nwant %q", out, err, wantText)
	}
	out, err = runCLI(t, "--socket", sock, "schedule", "show", "web", "--format", "json")
	var back schedule.Spec
	if err != nil || json.Unmarshal([]byte(out), &back) != nil || back.Bandwidth[0].Kbps != 512 {
		t.Fatalf("%q %v", out, err)
	}
	if out, err := runCLI(t, "--socket", sock, "schedule", "clear", "web"); err != nil || out != "schedule web: cleared\n" {
		t.Fatalf("%q %v", out, err)
	}
	if out, _ := runCLI(t, "--socket", sock, "schedule", "show", "web"); out != "schedule web: none\n" {
		t.Fatalf("%q", out)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(bad, []byte(`{"transmit":[{"start":"25:00","end":"06:00"}]}`), 0o644)
	_, err = runCLI(t, "--socket", sock, "schedule", "set", "web", bad)
	wantCode(t, err, 115)
	if got := strings.Join(f.calls, ","); got != "schedule web true,schedule web false" {
		t.Fatalf("calls %q: the invalid schedule must not be sent", got)
	}
}

// A server without operations answers 161.
func TestOperationsNotSupported(t *testing.T) {
	_, _, sock := testServer(t)
	_, err := runCLI(t, "--socket", sock, "verify", "start", "web")
	wantCode(t, err, 161)
}
