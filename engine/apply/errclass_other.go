//go:build !unix

package apply

import (
	"errors"
	"io/fs"
	"syscall"
)

// Windows error numbers; syscall names them only when building for
// Windows, and this file also serves other non-unix targets.
const (
	winFileNotFound     = syscall.Errno(2)
	winPathNotFound     = syscall.Errno(3)
	winAccessDenied     = syscall.Errno(5)
	winWriteProtect     = syscall.Errno(19)
	winSharingViolation = syscall.Errno(32)
	winLockViolation    = syscall.Errno(33)
	winHandleDiskFull   = syscall.Errno(39)
	winFileExists       = syscall.Errno(80)
	winDiskFull         = syscall.Errno(112)
	winDirNotEmpty      = syscall.Errno(145)
	winAlreadyExists    = syscall.Errno(183)
)

// classify is errclass_unix.go's mapping for Windows error numbers.
func classify(err error) class {
	if errors.Is(err, ErrUnsafePath) || errors.Is(err, errInvalidOp) {
		return classRefused
	}
	if errors.Is(err, errNotRegular) {
		return classPermanent
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case winDiskFull, winHandleDiskFull:
			return classDiskFull
		case winSharingViolation, winLockViolation:
			return classSharing
		case winAccessDenied, winWriteProtect:
			return classAccess
		case winFileNotFound, winPathNotFound, winFileExists, winAlreadyExists, winDirNotEmpty:
			return classPermanent
		}
	}
	switch {
	case errors.Is(err, fs.ErrPermission):
		return classAccess
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrExist):
		return classPermanent
	}
	return classOther
}
