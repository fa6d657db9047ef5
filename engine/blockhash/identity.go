package blockhash

import (
	"fmt"
	"os"
)

// FileID is what the cache compares to decide that a file has not changed
// since its sums were taken, without reading it. An inode is part of it
// because a file replaced by rename can keep size and mtime.
type FileID struct {
	Size  int64
	Mtime int64 // unix nanoseconds
	Inode uint64
}

// Identify returns fi's identity.
func Identify(fi os.FileInfo) FileID {
	return FileID{Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Inode: inode(fi)}
}

// IdentifyPath stats path (following symlinks, as HashFile does).
func IdentifyPath(path string) (FileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return FileID{}, fmt.Errorf("blockhash: %w", err)
	}
	return Identify(fi), nil
}
