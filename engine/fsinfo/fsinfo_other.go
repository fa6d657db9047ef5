//go:build !linux

package fsinfo

import "os"

// Info is what the engine needs beyond os.FileInfo.
type Info struct {
	UID, GID   int64
	Dev, Ino   uint64
	Nlink      uint64
	Atime      int64
	HasUnixIDs bool
}

// Of returns no unix details off Linux: owners are left unchanged (-1)
// and hard links are not detected.
func Of(fi os.FileInfo) Info { return Info{UID: -1, GID: -1, Nlink: 1} }
