package logfile

import "syscall"

// threadID is the OS thread running the caller. Go moves goroutines between
// threads, so it identifies the writer of one line, not a task.
func threadID() int { return syscall.Gettid() }
