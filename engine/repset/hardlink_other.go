//go:build !linux

package repset

import "io/fs"

// hardLinkID: without a portable inode number every name counts.
func hardLinkID(fs.FileInfo) (fileID, bool) { return fileID{}, false }
