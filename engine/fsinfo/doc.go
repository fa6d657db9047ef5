// Package fsinfo reads the unix parts of a FileInfo (owner, inode, link
// count, access time) behind build tags, so the engine compiles on Windows
// where they do not exist.
package fsinfo
