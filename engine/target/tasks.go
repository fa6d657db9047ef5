package target

import (
	"context"
	"fmt"
	"strconv"

	"github.com/dtrep/dtrep/engine/apply"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/task"
	"github.com/dtrep/dtrep/engine/wire"
)

// runTask is the applier's RunTask hook: it runs a task command in stream
// order (EnableTaskCmdProcessing 0 ignores it, event 4207) and keeps its
// outcome for the TaskResult sent to the source.
func (s *session) runTask(ctx context.Context, data []byte) error {
	s.task = wire.TaskResult{Outcome: wire.TaskFailed, ExitCode: -1}
	raise := func(id catalog.EventID, args ...string) { s.m.cfg.Hub.Raise(id, s.ctx(), args...) }
	cmd, err := task.Decode(data)
	if err != nil {
		raise(task.EventError, "(undecodable task: "+err.Error()+")")
		return fmt.Errorf("task: %w", err)
	}
	if s.m.cfg.Settings.Int(catalog.SettingEnableTaskCmdProcessing) == 0 {
		raise(task.EventDisabled, cmd.Script())
		s.task.Outcome = wire.TaskIgnored
		return fmt.Errorf("task %s: %w", cmd.Label(), apply.ErrTaskIgnored)
	}
	res := task.Run(ctx, cmd, task.Options{
		// The session's own view of the target path: writable even while
		// the path is blocked to everyone else.
		Dir: s.base,
		Env: []string{"DTREP_TARGET_PATH=" + s.hello.TargetPath, "DTREP_SOURCE=" + cmd.From,
			"DTREP_REPLICATION_SET=" + s.hello.SetName, "DTREP_TASK=" + cmd.Label(),
			"DTREP_TASK_ID=" + strconv.FormatUint(cmd.ID, 10)},
		Event: raise,
		Log:   s.m.cfg.Log,
	})
	s.task.ExitCode = int64(res.ExitCode)
	if !res.OK {
		return fmt.Errorf("task %s failed (exit code %d)", cmd.Label(), res.ExitCode)
	}
	s.task.Outcome = wire.TaskSucceeded
	return nil
}

// sendTaskResult tells the source what became of the task op seq.
func (s *session) sendTaskResult(seq uint64) error {
	r := s.task
	r.Seq = seq
	return s.c.Send(&r)
}
