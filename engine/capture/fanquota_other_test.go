//go:build !linux

package capture

import "testing"

// boundFanotifyQueue: there is no fanotify off Linux.
func boundFanotifyQueue(*testing.T) {}
