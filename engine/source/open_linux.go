package source

import (
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// openRead opens a file for reading. os.Open offers every file to the
// runtime's poller, which regular files refuse: four fcntl calls and a
// failed epoll_ctl per file, a third of the calls a small file's mirror
// makes on the source. os.NewFile of a blocking descriptor skips that.
func openRead(name string) (*os.File, error) {
	for {
		fd, err := unix.Open(name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: name, Err: err}
		}
		return os.NewFile(uintptr(fd), name), nil
	}
}
