//go:build unix

package apply

import (
	"errors"
	"syscall"
)

// classify maps a failure to its class by errno. Errors that describe the
// target's namespace (a missing file, a type conflict) are permanent:
// waiting does not change them, and with the default retry limit of
// "forever" they would otherwise stall the stream for good.
func classify(err error) class {
	if errors.Is(err, ErrUnsafePath) || errors.Is(err, errInvalidOp) {
		return classRefused
	}
	if errors.Is(err, errNotRegular) {
		return classPermanent
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return classOther
	}
	switch errno {
	case syscall.ENOSPC, syscall.EDQUOT:
		return classDiskFull
	case syscall.EBUSY, syscall.ETXTBSY, syscall.EAGAIN:
		return classSharing
	case syscall.EACCES, syscall.EPERM, syscall.EROFS:
		return classAccess
	case syscall.ENOENT, syscall.ENOTDIR, syscall.EISDIR, syscall.EEXIST,
		syscall.ENOTEMPTY, syscall.EINVAL, syscall.ELOOP, syscall.ENAMETOOLONG,
		syscall.EXDEV, syscall.EMLINK, syscall.EFBIG, syscall.ENXIO, syscall.ENODEV:
		return classPermanent
	}
	return classOther
}
