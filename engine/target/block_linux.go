package target

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// blockPath mounts path read-only over itself. Descriptors opened on path
// before (the applier's root, the session's base) still reach the
// writable mount below; anyone resolving the path from now on meets the
// read-only one. Mounting needs CAP_SYS_ADMIN: without it the block is
// unavailable (4301), as the reference's is without its driver.
func blockPath(path string) error {
	if err := unix.Mount(path, path, "", unix.MS_BIND, ""); err != nil {
		if errors.Is(err, unix.EPERM) {
			return fmt.Errorf("%w: %w", errBlockUnavailable, err)
		}
		return fmt.Errorf("bind mount %s: %w", path, err)
	}
	if err := unix.Mount("", path, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		_ = unix.Unmount(path, unix.MNT_DETACH)
		return fmt.Errorf("read-only remount %s: %w", path, err)
	}
	return nil
}

// unblockPath removes the read-only mount (lazily, so open files on it do
// not keep the path blocked).
func unblockPath(path string) error {
	if err := unix.Unmount(path, unix.MNT_DETACH); err != nil {
		if errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("%w: %s: %w", errNotBlocked, path, err)
		}
		return fmt.Errorf("unmount %s: %w", path, err)
	}
	return nil
}

// errnoOf is the system error number in err, the 4303/4305 error code.
func errnoOf(err error) int {
	var e syscall.Errno
	if errors.As(err, &e) {
		return int(e)
	}
	return -1
}
