package failover

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// Script events (source Double-Take).
const (
	eventScriptStart = catalog.EventDoubleTake5105
	eventScriptDone  = catalog.EventDoubleTake5106
	eventScriptError = catalog.EventDoubleTake5107
)

// maxScriptOutput bounds the script output kept for the log.
const maxScriptOutput = 64 << 10

// begin marks the monitor of set busy if it is in one of states; it
// returns the monitor's spec and ID.
func (m *Manager) begin(set string, states ...string) (Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mon, err := m.getLocked(set)
	if err != nil {
		return Status{}, err
	}
	if mon.busy {
		return Status{}, catalog.Err(CodeRecoveryBusy, "%s", set)
	}
	for _, s := range states {
		if mon.State == s {
			mon.busy = true
			return mon.Status, nil
		}
	}
	return Status{}, catalog.Err(catalog.CodeInvalidCommand, "%s is %s (allowed in %s)", set, mon.State, strings.Join(states, ", "))
}

// end records the outcome of a failover, undo or reverse.
func (m *Manager) end(set string, update func(*monitor)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	mon, ok := m.mons[set]
	if !ok {
		return
	}
	mon.busy = false
	update(mon)
	if err := m.saveLocked(); err != nil {
		m.log.Warn("failover state not saved", "set", set, "err", err)
	}
}

// Failover makes this server's copy of set the live one. auto tells an
// automatic failover (the condition was met) from a manual one, which may
// run whatever the source's state.
func (m *Manager) Failover(ctx context.Context, set string, auto bool) error {
	st, err := m.begin(set, StateMonitoring, StateConditionMet)
	if err != nil {
		return err
	}
	mode := "manual"
	if auto {
		mode = "automatic"
	}
	ectx := events.Context{Job: set, RepSet: set, Peer: st.Spec.Source}
	id := strconv.Itoa(st.ID)
	m.hub.Raise(eventFailoverStart, ectx, set, id, mode, st.Spec.Source)
	err = m.runScript(ctx, st.Spec, "pre-failover", st.Spec.Pre, ectx)
	if err == nil {
		err = m.host.RequireRestore(set)
	}
	failedOver := err == nil
	if failedOver {
		err = m.runScript(ctx, st.Spec, "post-failover", st.Spec.Post, ectx)
	}
	if err != nil {
		m.hub.Raise(eventFailoverError, ectx, set, id, mode, st.Spec.Source, err.Error())
	} else {
		m.hub.Raise(eventFailoverDone, ectx, set, id, mode, st.Spec.Source)
	}
	m.end(set, func(mon *monitor) {
		if failedOver {
			mon.State, mon.FailedOver = StateFailedOver, time.Now()
		}
		mon.LastError = errText(err)
	})
	return err
}

// Undo hands the copy of set back to its source, which protects it again.
func (m *Manager) Undo(_ context.Context, set string) error {
	st, err := m.begin(set, StateFailedOver)
	if err != nil {
		return err
	}
	ectx := events.Context{Job: set, RepSet: set, Peer: st.Spec.Source}
	id := strconv.Itoa(st.ID)
	m.hub.Raise(eventUndoStart, ectx, set, id, st.Spec.Source)
	err = m.host.ClearRestore(set)
	if err != nil {
		m.hub.Raise(eventUndoError, ectx, set, id, st.Spec.Source, err.Error())
	} else {
		m.hub.Raise(eventUndoDone, ectx, set, id, st.Spec.Source)
	}
	m.end(set, func(mon *monitor) {
		if err == nil {
			mon.State, mon.Missed, mon.FailedOver = StateMonitoring, 0, time.Time{}
		}
		mon.LastError = errText(err)
	})
	return err
}

// ReverseJobName names the job reverse protection creates for set.
func ReverseJobName(set string) string { return set + "-reverse" }

// Reverse protects the failed-over copy of set the other way: a job on
// this server mirrors it, differences only, to the old source's path.
func (m *Manager) Reverse(ctx context.Context, set string) error {
	st, err := m.begin(set, StateFailedOver)
	if err != nil {
		return err
	}
	ectx := events.Context{Job: set, RepSet: set, Peer: st.Spec.Source}
	id := strconv.Itoa(st.ID)
	name := ReverseJobName(set)
	m.hub.Raise(eventReverseStart, ectx, set, id, st.Spec.Source)
	if st.Spec.CopyPath == "" || st.Spec.OrigPath == "" {
		err = catalog.Err(catalog.CodeInvalidParameter, "the monitor of %s names no copy path or source path to reverse", set)
	} else {
		err = m.host.Reverse(ctx, name, st.Spec.CopyPath, st.Spec.Source, st.Spec.OrigPath)
	}
	if err != nil {
		m.hub.Raise(eventReverseError, ectx, set, id, st.Spec.Source, err.Error())
	} else {
		m.hub.Raise(eventReverseDone, ectx, set, id, st.Spec.Source)
	}
	m.end(set, func(mon *monitor) {
		if err == nil {
			mon.State, mon.ReverseJob = StateReversed, name
		}
		mon.LastError = errText(err)
	})
	return err
}

// runScript runs a failover script (none: nothing to do) with the set and
// source in its environment, within the spec's timeout, and logs its
// output.
func (m *Manager) runScript(ctx context.Context, spec Spec, step string, argv []string, ectx events.Context) error {
	if len(argv) == 0 {
		return nil
	}
	m.hub.Raise(eventScriptStart, ectx, argv[0])
	sctx, cancel := context.WithTimeout(ctx, time.Duration(spec.Timeout))
	defer cancel()
	cmd := exec.CommandContext(sctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "DTREP_SET="+spec.Set, "DTREP_SOURCE="+spec.Source, "DTREP_FAILOVER_STEP="+step)
	cmd.WaitDelay = time.Second
	var out limitedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	m.log.Info("failover script ran", "set", spec.Set, "step", step, "script", argv[0], "err", err, "output", out.String())
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		m.hub.Raise(eventScriptDone, ectx, argv[0])
		return nil
	case sctx.Err() == context.DeadlineExceeded:
		err = catalog.Err(CodeScriptTimeout, "%s script %s ran longer than %s", step, argv[0], spec.Timeout)
	case errors.As(err, &exitErr):
		err = catalog.Err(catalog.CodeUnknown, "%s script %s: %v: %s", step, argv[0], err, strings.TrimSpace(out.String()))
	default:
		err = catalog.Wrap(CodeScriptStart, err, "%s script %s", step, argv[0])
	}
	m.hub.Raise(eventScriptError, ectx, argv[0])
	return err
}

// limitedBuffer keeps the first maxScriptOutput bytes written to it.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxScriptOutput - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }

func errText(err error) string {
	if err == nil {
		return ""
	}
	return fmt.Sprint(err)
}
