//go:build !linux

package logfile

// threadID has no portable source outside Linux; the column reads 0.
func threadID() int { return 0 }
