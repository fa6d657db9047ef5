package apply

import (
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// validate refuses ops that no retry can make valid. It runs before any
// system call, so a refused op writes nothing.
func validate(op *wire.Op) error {
	if !op.Kind.Valid() {
		return invalidOp("unknown op kind %d", uint8(op.Kind))
	}
	switch op.Kind {
	case wire.OpMark, wire.OpTask:
		return nil // no path: Mark's Path is a label, Task's command is Data
	}
	if err := checkPath(op.Path); err != nil {
		return err
	}
	switch op.Kind {
	case wire.OpRename, wire.OpHardlink:
		if err := checkPath(op.NewPath); err != nil {
			return err
		}
		if op.Kind == wire.OpRename && op.Path != op.NewPath &&
			(under(op.Path, op.NewPath) || under(op.NewPath, op.Path)) {
			// Moving a tree into itself, or over its own ancestor: the
			// replacing removal would destroy the source tree first.
			return invalidOp("rename %q to %q: one contains the other", op.Path, op.NewPath)
		}
	case wire.OpWrite:
		if op.Offset < 0 {
			return invalidOp("write %q: negative offset %d", op.Path, op.Offset)
		}
	case wire.OpTruncate:
		if op.Size < 0 {
			return invalidOp("truncate %q: negative size %d", op.Path, op.Size)
		}
	case wire.OpSymlink:
		if op.LinkTarget == "" || strings.IndexByte(op.LinkTarget, 0) >= 0 {
			return invalidOp("symlink %q: empty target or NUL byte", op.Path)
		}
	}
	return nil
}

func invalidOp(format string, args ...any) error {
	return catalog.Wrap(catalog.CodeInvalidParameter, errInvalidOp, format, args...)
}
