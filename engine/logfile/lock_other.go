//go:build !unix

package logfile

import (
	"fmt"
	"os"
)

// LockName is the lock file LockDir would create in a log directory.
const LockName = ".dtrep.lock"

// LockDir only creates dir where flock is unavailable: nothing stops two
// servers sharing a LogDir there.
func LockDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	return func() {}, nil
}
