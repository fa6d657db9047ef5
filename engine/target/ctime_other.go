//go:build !linux

package target

import (
	"os"
	"time"
)

// changedBefore reports whether fi was modified before t: without change
// times, the modification time stands in.
func changedBefore(fi os.FileInfo, t time.Time) bool { return fi.ModTime().Before(t) }
