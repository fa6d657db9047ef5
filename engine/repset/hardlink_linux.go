package repset

import (
	"io/fs"
	"syscall"
)

// hardLinkID returns the identity of a file with more than one name, so its
// bytes are counted once.
func hardLinkID(info fs.FileInfo) (fileID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st.Nlink < 2 {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: st.Ino}, true
}
