//go:build unix

package logfile

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// LockName is the lock file LockDir creates in a log directory.
const LockName = ".dtrep.lock"

// LockDir takes an exclusive lock on dir for this process's log writers,
// so two servers configured with the same LogDir (the demo runs two in one
// process) cannot interleave their series numbers and statistics files.
// The lock goes when unlock is called or the process ends.
func LockDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, LockName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("log directory lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("log directory %s is in use by another server: %w", dir, err)
	}
	return func() { f.Close() }, nil
}
