package apply

import "errors"

// ErrDropped is wrapped by the error Apply returns for an op it discarded,
// after its retries or at once when retrying cannot help. A dropped op
// does not stop the stream: the session may go on applying, while
// NeedsMirror reports that the target has diverged.
var ErrDropped = errors.New("operation dropped")

// ErrTaskIgnored is what a RunTask hook returns for a task it did not run
// because task processing is disabled: counted as ignored, not failed.
var ErrTaskIgnored = errors.New("task commands are disabled")

// errInvalidOp marks ops that are malformed in themselves (unknown kind,
// negative offset, empty symlink target): refused like unsafe paths.
var errInvalidOp = errors.New("invalid operation")

// errNotRegular stands in for the errno of an op that needs a regular file
// (or a non-directory) and found something else: permanent, not retried.
var errNotRegular = errors.New("not a regular file")

// attrs is the attribute part of an op.
type attrs struct {
	mode         uint32
	uid, gid     int64
	atime, mtime int64
}

// perm returns mode's permission bits (with set-ID and sticky bits), or def
// when the op carries none: a mode of 0 means "not sent", since a file
// nobody may access is never what a source meant to replicate.
func perm(mode, def uint32) uint32 {
	if m := mode & 0o7777; m != 0 {
		return m
	}
	return def
}
