package logfile

import (
	"fmt"
	"os"
	"strconv"
	"sync"
)

// Limits of the management and job logs. The reference gives 10 MB and
// three older files for the Linux job log and says only that master.log
// "rolls when it reaches the maximum size"; dtrep applies the job log's
// size to it and keeps five files, the Windows Management Service log's
// count.
const (
	JobLogMaxSize    = 10 << 20
	JobLogKeep       = 3
	MasterLogMaxSize = 10 << 20
	MasterLogKeep    = 5
	MasterLogName    = "master.log"
)

// JobLogName is the file name of a job's log.
func JobLogName(jobID string) string { return "job-" + jobID + ".log" }

// Rolling appends lines to one file that rolls when full: path becomes
// path.1, path.1 becomes path.2 and so on, and the file beyond keep older
// ones is deleted. It is safe for concurrent use.
type Rolling struct {
	mu      sync.Mutex
	path    string
	maxSize int64
	keep    int
	f       *os.File
	size    int64
}

// OpenRolling opens path for appending.
func OpenRolling(path string, maxSize int64, keep int) (*Rolling, error) {
	r := &Rolling{path: path, maxSize: max(1, maxSize), keep: max(0, keep)}
	if err := r.open(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Rolling) open() error {
	f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("opening log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("opening log: %w", err)
	}
	r.f, r.size = f, fi.Size()
	return nil
}

// Write appends one line, rolling the file first when it is full.
func (r *Rolling) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.maxSize {
		if err := r.roll(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("writing %s: %w", r.path, err)
	}
	return n, nil
}

// roll shifts the older files up by one and starts an empty file. It always
// reopens path, so a failed rename costs a late roll, never the log.
func (r *Rolling) roll() error {
	_ = r.f.Close()
	r.f = nil
	var first error
	keep := func(err error) {
		if err != nil && !os.IsNotExist(err) && first == nil {
			first = fmt.Errorf("rolling log: %w", err)
		}
	}
	if r.keep == 0 {
		keep(os.Remove(r.path))
	} else {
		keep(os.Remove(r.numbered(r.keep)))
		for i := r.keep - 1; i >= 1; i-- {
			keep(os.Rename(r.numbered(i), r.numbered(i+1)))
		}
		keep(os.Rename(r.path, r.numbered(1)))
	}
	if err := r.open(); err != nil {
		return err
	}
	return first
}

func (r *Rolling) numbered(i int) string { return r.path + "." + strconv.Itoa(i) }

// Close closes the file.
func (r *Rolling) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}

// RollingFiles lists a rolling log's files oldest first: path.N ... path.1,
// path. Missing files are left out.
func RollingFiles(path string) []string {
	var older []string
	for i := 1; ; i++ {
		p := path + "." + strconv.Itoa(i)
		if _, err := os.Stat(p); err != nil {
			break
		}
		older = append(older, p)
	}
	out := make([]string, 0, len(older)+1)
	for i := len(older) - 1; i >= 0; i-- {
		out = append(out, older[i])
	}
	if _, err := os.Stat(path); err == nil {
		out = append(out, path)
	}
	return out
}
