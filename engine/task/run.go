package task

import (
	"context"
	"errors"
	"log/slog"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Events Run raises (source "Double-Take").
const (
	EventSubmitted = catalog.EventDoubleTake4200 // In band task %1 submitted from %2 by %3 at %4
	EventDiscarded = catalog.EventDoubleTake4201 // In band task %1 discarded (submitted from %2 by %3 at %4)
	EventRunning   = catalog.EventDoubleTake4202 // Running %1 in band script: %2 (task %3 submitted from %4 by %5 at %6)
	EventCompleted = catalog.EventDoubleTake4203 // Completed run of in band script: %1 (exit code %2)
	EventError     = catalog.EventDoubleTake4204 // Error running in band script: %1
	EventTimeout   = catalog.EventDoubleTake4205 // Timeout (%1 seconds) running in band script: %2
	EventNoTimeout = catalog.EventDoubleTake4206 // Run timeout disabled for in band script: %1
	EventDisabled  = catalog.EventDoubleTake4207 // In band scripts disabled by server - no attempt will be made to run %1
)

// TimeLayout is how events show a task's submission time.
const TimeLayout = time.ANSIC

// SubmittedArgs are the inserts of 4200 and 4201.
func (c *Command) SubmittedArgs() []string {
	return []string{c.Label(), c.From, c.By, c.At.Format(TimeLayout)}
}

// Options are what Run needs besides the command.
type Options struct {
	Dir   string   // working directory: the target path
	Env   []string // added to the service's environment
	Event func(id catalog.EventID, args ...string)
	Log   *slog.Logger
}

// Result is what became of one run.
type Result struct {
	OK       bool // started and, when waited for, exited 0 in time
	ExitCode int  // -1 when the command did not run to completion
}

// Run runs c as the reference describes: 4202 when it starts; then 4206 and
// no wait when its timeout is 0, 4203 with its exit code when it ends in
// time, 4205 when it does not (it is left running: the reference has the
// user end it), or 4204 when it cannot start. It returns when the command
// ended, timed out, or ctx ended.
func Run(ctx context.Context, c Command, o Options) Result {
	event := o.Event
	if event == nil {
		event = func(catalog.EventID, ...string) {}
	}
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	mode := "synchronous"
	if c.Timeout == 0 {
		mode = "asynchronous"
	}
	script := c.Script()
	event(EventRunning, mode, script, c.Label(), c.From, c.By, c.At.Format(TimeLayout))

	cmd := exec.Command(c.Argv[0], c.Argv[1:]...)
	cmd.Dir = o.Dir
	cmd.Env = append(cmd.Environ(), o.Env...)
	out := &limitedBuffer{max: 4096}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		event(EventError, script+" ("+err.Error()+")")
		return Result{ExitCode: -1}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }() // also reaps a command left running
	if c.Timeout == 0 {
		event(EventNoTimeout, script)
		return Result{OK: true, ExitCode: -1}
	}
	t := time.NewTimer(time.Duration(c.Timeout) * time.Second)
	defer t.Stop()
	select {
	case err := <-done:
		code := cmd.ProcessState.ExitCode()
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) {
			event(EventError, script+" ("+err.Error()+")")
			return Result{ExitCode: -1}
		}
		event(EventCompleted, script, strconv.Itoa(code))
		log.Info("in band script ended", "script", script, "exit_code", code, "output", out.String())
		return Result{OK: code == 0, ExitCode: code}
	case <-t.C:
		event(EventTimeout, strconv.FormatInt(c.Timeout, 10), script)
		return Result{ExitCode: -1}
	case <-ctx.Done():
		log.Warn("stopped waiting for an in band script: the session ended", "script", script)
		return Result{ExitCode: -1}
	}
}

// limitedBuffer keeps the first max bytes a command writes, for the log.
type limitedBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.max - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.b)
}
