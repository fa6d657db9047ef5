package task

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

type recorded struct {
	id   catalog.EventID
	args []string
}

func recorder() (*[]recorded, func(catalog.EventID, ...string)) {
	var evs []recorded
	return &evs, func(id catalog.EventID, args ...string) { evs = append(evs, recorded{id, args}) }
}

func ids(evs []recorded) []catalog.EventID {
	out := make([]catalog.EventID, len(evs))
	for i, e := range evs {
		out[i] = e.id
	}
	return out
}

func cmd(timeout int64, argv ...string) Command {
	return Command{ID: 1, From: "src", By: "alice", At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Timeout: timeout, Argv: argv}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	c := cmd(30, "/bin/echo", "a b", "ü")
	c.Name = "nightly"
	b, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
	}
	plain := cmd(1, "/bin/true")
	if got.Label() != "nightly" || plain.Label() != "/bin/true" {
		t.Fatalf("labels %q %q", got.Label(), plain.Label())
	}
}

func TestDecodeRefuses(t *testing.T) {
	cases := map[string]string{
		"empty":          ``,
		"not json":       `run me`,
		"unknown field":  `{"argv":["/bin/true"],"shell":true}`,
		"no program":     `{"argv":[]}`,
		"empty program":  `{"argv":[""]}`,
		"negative wait":  `{"argv":["/bin/true"],"timeout":-1}`,
		"huge wait":      `{"argv":["/bin/true"],"timeout":99999999}`,
		"NUL argument":   `{"argv":["/bin/true","a\u0000b"]}`,
		"trailing data":  `{"argv":["/bin/true"]} {}`,
		"trailing brace": `{"argv":["/bin/true"]}}`,
		"wrong type":     `{"argv":"/bin/true"}`,
	}
	for name, in := range cases {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("%s: %q accepted", name, in)
		}
	}
	big := `{"argv":["` + strings.Repeat("x", MaxEncoded) + `"]}`
	if _, err := Decode([]byte(big)); err == nil {
		t.Error("oversized task accepted")
	}
	many := cmd(1, make([]string, MaxArgs+1)...)
	many.Argv[0] = "/bin/true"
	if _, err := many.Encode(); err == nil {
		t.Error("task with too many arguments encoded")
	}
}

func FuzzDecode(f *testing.F) {
	b, _ := (&Command{Argv: []string{"/bin/true"}, Timeout: 5}).Encode()
	f.Add(b)
	f.Add([]byte(`{"argv":["a"],"timeout":0,"name":"n","from":"s","by":"u","at":"2026-01-02T03:04:05Z","id":7}`))
	f.Add([]byte(`{"argv":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Decode(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("decoded an invalid command: %v", err)
		}
		again, err := c.Encode()
		if err != nil {
			t.Fatalf("a decoded command does not encode: %v", err)
		}
		back, err := Decode(again)
		if err != nil || !reflect.DeepEqual(back, c) {
			t.Fatalf("re-encoding changed the command: %+v -> %+v (%v)", c, back, err)
		}
	})
}

func TestRunCompletes(t *testing.T) {
	dir := t.TempDir()
	evs, ev := recorder()
	r := Run(context.Background(), cmd(30, "/bin/sh", "-c", "pwd > out; echo $DTREP_X >> out"),
		Options{Dir: dir, Env: []string{"DTREP_X=hello"}, Event: ev})
	if !r.OK || r.ExitCode != 0 {
		t.Fatalf("result %+v", r)
	}
	if got := ids(*evs); !reflect.DeepEqual(got, []catalog.EventID{EventRunning, EventCompleted}) {
		t.Fatalf("events %v", got)
	}
	if got := (*evs)[0].args; len(got) != 6 || got[0] != "synchronous" || got[3] != "src" || got[4] != "alice" {
		t.Fatalf("4202 inserts %q", got)
	}
	b, err := os.ReadFile(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	real, _ := filepath.EvalSymlinks(dir)
	if string(b) != real+"\nhello\n" && string(b) != dir+"\nhello\n" {
		t.Fatalf("the script ran elsewhere or without its environment: %q", b)
	}
}

func TestRunExitCode(t *testing.T) {
	evs, ev := recorder()
	r := Run(context.Background(), cmd(30, "/bin/sh", "-c", "exit 3"), Options{Event: ev})
	if r.OK || r.ExitCode != 3 {
		t.Fatalf("result %+v", r)
	}
	if last := (*evs)[len(*evs)-1]; last.id != EventCompleted || last.args[1] != "3" {
		t.Fatalf("last event %+v", last)
	}
}

func TestRunCannotStart(t *testing.T) {
	evs, ev := recorder()
	r := Run(context.Background(), cmd(30, filepath.Join(t.TempDir(), "missing")), Options{Event: ev})
	if r.OK || r.ExitCode != -1 {
		t.Fatalf("result %+v", r)
	}
	if got := ids(*evs); !reflect.DeepEqual(got, []catalog.EventID{EventRunning, EventError}) {
		t.Fatalf("events %v", got)
	}
}

func TestRunTimeoutLeavesItRunning(t *testing.T) {
	dir := t.TempDir()
	evs, ev := recorder()
	r := Run(context.Background(), cmd(1, "/bin/sh", "-c", "sleep 2; touch done"), Options{Dir: dir, Event: ev})
	if r.OK {
		t.Fatalf("result %+v", r)
	}
	if got := ids(*evs); !reflect.DeepEqual(got, []catalog.EventID{EventRunning, EventTimeout}) {
		t.Fatalf("events %v", got)
	}
	if (*evs)[1].args[0] != "1" {
		t.Fatalf("4205 inserts %q", (*evs)[1].args)
	}
	// The reference leaves a timed-out script running.
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the timed-out script was stopped")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRunWithoutWaiting(t *testing.T) {
	dir := t.TempDir()
	evs, ev := recorder()
	r := Run(context.Background(), cmd(0, "/bin/sh", "-c", "sleep 1; touch done"), Options{Dir: dir, Event: ev})
	if !r.OK {
		t.Fatalf("result %+v", r)
	}
	if got := ids(*evs); !reflect.DeepEqual(got, []catalog.EventID{EventRunning, EventNoTimeout}) {
		t.Fatalf("events %v", got)
	}
	if (*evs)[0].args[0] != "asynchronous" {
		t.Fatalf("4202 inserts %q", (*evs)[0].args)
	}
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		t.Fatal("Run waited for a task whose timeout is 0")
	}
}
