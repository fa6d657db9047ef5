//go:build !unix

package blockhash

import "os"

// inode is 0 where os.FileInfo carries no file index (Windows); size and
// mtime then identify the file on their own.
func inode(os.FileInfo) uint64 { return 0 }
