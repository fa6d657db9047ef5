//go:build windows

package queue

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows"
)

// syncDir is a no-op on Windows: NTFS makes directory entries durable with
// its own metadata journal, and a directory handle cannot be flushed.
func syncDir(string) error { return nil }

// freeSpace is the space the caller may still use on the volume holding
// dir.
func freeSpace(dir string) (int64, error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, fmt.Errorf("free space of %s: %w", dir, err)
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &free); err != nil {
		return 0, fmt.Errorf("free space of %s: %w", dir, err)
	}
	return int64(avail), nil
}

// isNoSpace reports a write refused because the volume or the user's quota
// is full.
func isNoSpace(err error) bool {
	return errors.Is(err, windows.ERROR_DISK_FULL) || errors.Is(err, windows.ERROR_HANDLE_DISK_FULL)
}
