package target

import (
	"context"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// apply applies one op of the stream, with what the target does beyond
// the applier: while the job's copy is Restore Required every op is
// discarded (counted in OpsDropped; a task is reported ignored) so the
// source cannot overwrite it; an orphan op removes or moves the orphan;
// a delete first keeps the deleted files under TGMoveFilesOnDelete; a task
// reports its outcome to the source.
func (s *session) apply(ctx context.Context, op *wire.Op) error {
	if s.m.restore.has(s.hello.SetName) {
		s.peer.Counter(catalog.StatOpsDropped).Add(1)
		if op.Kind == wire.OpTask {
			s.task = wire.TaskResult{Outcome: wire.TaskIgnored, ExitCode: -1}
			return s.sendTaskResult(op.Seq)
		}
		return nil
	}
	switch op.Kind {
	case wire.OpOrphan:
		s.orphan(ctx, op)
		return nil
	case wire.OpDelete, wire.OpRmdir:
		s.keepDeleted(op)
	}
	err := s.a.Apply(ctx, op)
	if op.Kind == wire.OpTask {
		if serr := s.sendTaskResult(op.Seq); serr != nil && err == nil {
			err = serr
		}
	}
	return err
}
