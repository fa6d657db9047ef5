package target

import (
	"os"
	"syscall"
	"time"
)

// changedBefore reports whether fi's inode last changed before t.
func changedBefore(fi os.FileInfo, t time.Time) bool {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return time.Unix(st.Ctim.Unix()).Before(t)
	}
	return fi.ModTime().Before(t)
}
