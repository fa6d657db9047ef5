//go:build linux

package server_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/task"
)

func timeout(s int64) *int64 { return &s }

// A task runs on the target after the changes made before it was
// submitted, and its outcome is counted on both sides with the
// reference's events.
func TestTaskCommandsRunInStreamOrder(t *testing.T) {
	p := startJob(t, map[string]string{"EnableTaskCmdProcessing": "1"}, nil)
	src := watchEvents(t, p.Src, task.EventSubmitted.ID())
	tgt := watchEvents(t, p.Tgt, task.EventRunning.ID(), task.EventCompleted.ID(), task.EventTimeout.ID())
	out := filepath.Join(t.TempDir(), "seen")
	ctx := context.Background()

	writeFile(t, filepath.Join(p.SrcDir, "fresh.txt"), "written just before the task")
	rec, err := p.Src.SubmitTask(ctx, "j", mgmt.TaskSpec{Name: "copy", By: "alice", Timeout: timeout(30),
		Argv: []string{"/bin/sh", "-c", `cat "$DTREP_TARGET_PATH/fresh.txt" > ` + out}})
	if err != nil {
		t.Fatal(err)
	}
	if rec.Name != "copy" || rec.Timeout != 30 {
		t.Fatalf("receipt %+v", rec)
	}
	if e := src.next(task.EventSubmitted.ID()); e.Args[0] != "copy" || e.Args[1] != "source" || e.Args[2] != "alice" {
		t.Fatalf("4200 inserts %q", e.Args)
	}
	if e := tgt.next(task.EventRunning.ID()); !strings.Contains(e.Args[1], "fresh.txt") {
		t.Fatalf("4202 inserts %q", e.Args)
	}
	if e := tgt.next(task.EventCompleted.ID()); e.Args[1] != "0" {
		t.Fatalf("4203 inserts %q", e.Args)
	}
	waitFor(t, "conTasksSucceeded", func() bool { return counter(t, p, "conTasksSucceeded") == 1 })
	if got := readFile(t, out); got != "written just before the task" {
		t.Fatalf("the task saw %q: it ran before the change it followed", got)
	}

	// A failing task and one that outlives its timeout count as failed.
	if _, err := p.Src.SubmitTask(ctx, "j", mgmt.TaskSpec{Argv: []string{"/bin/sh", "-c", "exit 3"}}); err != nil {
		t.Fatal(err)
	}
	if e := tgt.next(task.EventCompleted.ID()); e.Args[1] != "3" {
		t.Fatalf("4203 inserts %q", e.Args)
	}
	if _, err := p.Src.SubmitTask(ctx, "j", mgmt.TaskSpec{Timeout: timeout(1), Argv: []string{"/bin/sleep", "3"}}); err != nil {
		t.Fatal(err)
	}
	if e := tgt.next(task.EventTimeout.ID()); e.Args[0] != "1" {
		t.Fatalf("4205 inserts %q", e.Args)
	}
	waitFor(t, "conTasksFailed", func() bool { return counter(t, p, "conTasksFailed") == 2 })
	waitFor(t, "target TasksFailed", func() bool { return targetCounter(p, "TasksFailed") == 2 })
	for name, want := range map[string]int64{"conTaskCmdsSubmitted": 3, "conTaskCmdsQueued": 3, "conTasksSucceeded": 1} {
		if got := counter(t, p, name); got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	if got := targetCounter(p, "TasksSucceeded"); got != 1 {
		t.Errorf("target TasksSucceeded = %d", got)
	}
}

// EnableTaskCmdProcessing 0 on the source refuses a task; on the target it
// ignores it (4207), and the source counts it ignored.
func TestTaskCommandsDisabled(t *testing.T) {
	t.Run("source", func(t *testing.T) {
		p := startJob(t, nil, nil)
		_, err := p.Src.SubmitTask(context.Background(), "j", mgmt.TaskSpec{Argv: []string{"/bin/true"}})
		if catalog.CodeOf(err) != 161 {
			t.Fatalf("err = %v, want 161", err)
		}
		if counter(t, p, "conTaskCmdsSubmitted") != 1 || counter(t, p, "conTasksIgnored") != 1 ||
			counter(t, p, "conTaskCmdsQueued") != 0 {
			t.Fatal("a refused task was not counted as submitted and ignored")
		}
	})
	t.Run("target", func(t *testing.T) {
		p := servertestPair(t, map[string]string{"EnableTaskCmdProcessing": "1"}, map[string]string{"EnableTaskCmdProcessing": "0"})
		tgt := watchEvents(t, p.Tgt, task.EventDisabled.ID(), task.EventRunning.ID())
		marker := filepath.Join(t.TempDir(), "ran")
		if _, err := p.Src.SubmitTask(context.Background(), "j", mgmt.TaskSpec{Argv: []string{"/usr/bin/touch", marker}}); err != nil {
			t.Fatal(err)
		}
		if e := tgt.next(task.EventDisabled.ID()); !strings.Contains(e.Args[0], marker) {
			t.Fatalf("4207 inserts %q", e.Args)
		}
		waitFor(t, "conTasksIgnored", func() bool { return counter(t, p, "conTasksIgnored") == 1 })
		waitFor(t, "target TasksIgnored", func() bool { return targetCounter(p, "TasksIgnored") == 1 })
		if exists(marker) || tgt.count(task.EventRunning.ID()) != 0 {
			t.Fatal("a disabled target ran the task")
		}
	})
}

// A task still queued when its job stops is discarded with 4201.
func TestTaskDiscardedWhenTheJobStops(t *testing.T) {
	p := startJob(t, map[string]string{"EnableTaskCmdProcessing": "1"}, nil)
	src := watchEvents(t, p.Src, task.EventDiscarded.ID())
	ctx := context.Background()
	if err := p.Tgt.PauseTarget(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Src.SubmitTask(ctx, "j", mgmt.TaskSpec{Name: "late", Argv: []string{"/bin/true"}}); err != nil {
		t.Fatal(err)
	}
	if err := p.Src.StopJob(ctx, "j"); err != nil {
		t.Fatal(err)
	}
	if e := src.next(task.EventDiscarded.ID()); e.Args[0] != "late" {
		t.Fatalf("4201 inserts %q", e.Args)
	}
	_ = p.Tgt.ResumeTarget(ctx)
}
