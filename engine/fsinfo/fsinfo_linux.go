//go:build linux

package fsinfo

import (
	"os"
	"syscall"
)

// Info is what the engine needs beyond os.FileInfo.
type Info struct {
	UID, GID   int64
	Dev, Ino   uint64
	Nlink      uint64
	Atime      int64 // unix nanoseconds
	HasUnixIDs bool
}

// Of returns fi's unix details; HasUnixIDs is false where there are none.
func Of(fi os.FileInfo) Info {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return Info{UID: -1, GID: -1}
	}
	return Info{UID: int64(st.Uid), GID: int64(st.Gid), Dev: uint64(st.Dev), Ino: uint64(st.Ino),
		Nlink: uint64(st.Nlink), Atime: st.Atim.Nano(), HasUnixIDs: true}
}
