package mgmttest

import "sync/atomic"

// Logins counts the Security logins the server reports.
type Logins struct {
	ok, failed atomic.Int64
}

// Login implements mgmt.Security.
func (l *Logins) Login(ok bool) {
	if ok {
		l.ok.Add(1)
	} else {
		l.failed.Add(1)
	}
}

// Counts returns the successful and failed logins so far.
func (l *Logins) Counts() (ok, failed int64) { return l.ok.Load(), l.failed.Load() }
