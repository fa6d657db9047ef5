package target

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// openBase opens the session's own handle on the target path and returns
// the path through which the session reaches it: /proc/self/fd/N names the
// directory on the mount it was opened on, so the session keeps writing
// through it after TGBlockOnConnect mounts the path read-only over itself.
func openBase(targetPath string) (*os.File, string, error) {
	fd, err := unix.Open(targetPath, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, "", fmt.Errorf("target path %s: %w", targetPath, err)
	}
	f := os.NewFile(uintptr(fd), targetPath)
	return f, fmt.Sprintf("/proc/self/fd/%d", fd), nil
}
