package server

import (
	"context"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/failover"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// failoverHost is what the failover module may do on this server.
type failoverHost struct{ s *Server }

func (h failoverHost) Heard(set string) uint64 { return h.s.target.Heard(set) }

func (h failoverHost) RequireRestore(set string) error { return h.s.target.RequireRestore(set) }

func (h failoverHost) ClearRestore(set string) error { return h.s.target.ClearRestore(set) }

// Reverse creates and starts the reverse protection job; a started job
// begins with a difference mirror.
func (h failoverHost) Reverse(ctx context.Context, name, copyPath, target, origPath string) error {
	if err := h.s.CreateJob(ctx, mgmt.JobSpec{Name: name, SourcePath: copyPath, Target: target, TargetPath: origPath}); err != nil {
		return err
	}
	return h.s.StartJob(ctx, name)
}

var _ mgmt.Failover = (*Server)(nil)

// MonitorSource implements mgmt.Failover.
func (s *Server) MonitorSource(_ context.Context, spec failover.Spec) (failover.Status, error) {
	return s.failover.Monitor(spec)
}

// RemoveMonitor implements mgmt.Failover.
func (s *Server) RemoveMonitor(_ context.Context, set string) error { return s.failover.Remove(set) }

// FailoverStatus implements mgmt.Failover.
func (s *Server) FailoverStatus(context.Context) ([]failover.Status, error) {
	return s.failover.Statuses(), nil
}

// FailoverAction implements mgmt.Failover. The action outlives the
// request that asked for it: a client that goes away must not kill a
// failover script halfway.
func (s *Server) FailoverAction(ctx context.Context, set, action string) error {
	ctx = context.WithoutCancel(ctx)
	switch action {
	case mgmt.FailoverStart:
		return s.failover.Failover(ctx, set, false)
	case mgmt.FailoverUndo:
		return s.failover.Undo(ctx, set)
	case mgmt.FailoverReverse:
		return s.failover.Reverse(ctx, set)
	}
	return catalog.Err(catalog.CodeInvalidCommand, "failover %q", action)
}
