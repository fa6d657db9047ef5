package server

import (
	"context"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/schedule"
	"github.com/dtrep/dtrep/engine/source"
)

var _ mgmt.Operations = (*Server)(nil)

// StartActivity starts a verification, orphan removal or restore of a
// started job's connection.
func (s *Server) StartActivity(_ context.Context, name, activity string, o mgmt.ActivityOptions) error {
	return s.withConn(name, func(c *source.Connection) error {
		switch activity {
		case mgmt.ActivityVerify:
			return c.StartVerify(source.VerifyOptions{Checksum: o.Checksum, Fix: o.Fix, Orphans: o.Orphans})
		case mgmt.ActivityOrphans:
			return c.StartOrphans()
		case mgmt.ActivityRestore:
			return c.StartRestore(source.RestoreOptions{Checksum: o.Checksum})
		}
		return mgmt.ValidateActivity(activity, mgmt.ActionStart)
	})
}

// ControlActivity pauses, resumes or stops a running activity.
func (s *Server) ControlActivity(ctx context.Context, name, activity, action string) error {
	return s.withConn(name, func(c *source.Connection) error {
		switch action {
		case mgmt.ActionPause:
			return c.PauseActivity(activity)
		case mgmt.ActionResume:
			return c.ResumeActivity(activity)
		case mgmt.ActionStop:
			ctx, cancel := context.WithTimeout(ctx, stopWait)
			defer cancel()
			return c.StopActivity(ctx, activity)
		}
		return mgmt.ValidateActivity(activity, action)
	})
}

// SubmitTask queues a task command in a started job's stream. A task
// without a timeout of its own waits TaskCmdTimeout seconds.
func (s *Server) SubmitTask(_ context.Context, name string, t mgmt.TaskSpec) (mgmt.TaskReceipt, error) {
	if err := t.Validate(); err != nil {
		return mgmt.TaskReceipt{}, err
	}
	timeout := s.set.Int(catalog.SettingTaskCmdTimeout)
	if t.Timeout != nil {
		timeout = *t.Timeout
	}
	var rec mgmt.TaskReceipt
	err := s.withConn(name, func(c *source.Connection) error {
		cmd, err := c.SubmitTask(source.TaskRequest{Name: t.Name, By: t.By, Timeout: timeout, Argv: t.Argv})
		rec = mgmt.TaskReceipt{ID: cmd.ID, Name: cmd.Label(), Timeout: cmd.Timeout}
		return err
	})
	return rec, err
}

// SetSchedule stores a job's schedule (nil clears it) and applies it to a
// started job at once.
func (s *Server) SetSchedule(_ context.Context, name string, spec *schedule.Spec) error {
	if err := spec.Validate(); err != nil {
		return err
	}
	if spec.Empty() {
		spec = nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	j, err := s.jobLocked(name)
	if err != nil {
		return err
	}
	old := j.Schedule
	j.Schedule = spec
	if err := s.saveJobsLocked(); err != nil {
		j.Schedule = old
		return err
	}
	if j.conn != nil {
		j.conn.SetSchedule(spec)
	}
	return nil
}

// Schedule returns a job's schedule, nil for none.
func (s *Server) Schedule(_ context.Context, name string) (*schedule.Spec, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, err := s.jobLocked(name)
	if err != nil {
		return nil, err
	}
	return j.Schedule, nil
}

// RequireRestore marks this target's copy of replication set set as Restore
// Required (the target took over from its source).
func (s *Server) RequireRestore(_ context.Context, set string) error {
	if s.target == nil {
		return catalog.Err(catalog.CodeTargetNotLoaded, "")
	}
	return s.target.RequireRestore(set)
}
