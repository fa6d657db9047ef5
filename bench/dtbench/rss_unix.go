//go:build unix

package main

import "syscall"

// peakRSS is this process's peak resident set in KiB (Linux's ru_maxrss).
func peakRSS() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return int64(ru.Maxrss)
}
