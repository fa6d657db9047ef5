package mgmt

import (
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Log services of `dtrep logs --service`: the engine log (dtlog<N>.dtl) and
// the management log (master.log).
const (
	LogServiceEngine     = "engine"
	LogServiceManagement = "management"
)

// Bounds of one ReadLogs page.
const (
	DefaultLogLimit = 1000
	MaxLogLimit     = 10000
)

// LogQuery selects log lines.
type LogQuery struct {
	// Service is LogServiceEngine, LogServiceManagement or "" for both.
	Service string `json:"service,omitempty"`
	// Job, when set, reads that job's log (job-<GUID>.log) instead; it is
	// the job's name or its ID.
	Job string `json:"job,omitempty"`
	// Cursor continues after a previous page. Without one, the page holds
	// the last Tail lines of each log (every line when Tail < 0).
	Cursor string `json:"cursor,omitempty"`
	Tail   int    `json:"tail,omitempty"`
	// Limit bounds the lines a page read with a cursor returns; 0 means
	// DefaultLogLimit.
	Limit int `json:"limit,omitempty"`
}

// Validate checks a query before it is sent or served.
func (q LogQuery) Validate() error {
	switch q.Service {
	case "", LogServiceEngine, LogServiceManagement:
	default:
		return catalog.Err(catalog.CodeInvalidOption, "log service %q: allowed %s or %s",
			q.Service, LogServiceEngine, LogServiceManagement)
	}
	if q.Job != "" && q.Service != "" {
		return catalog.Err(catalog.CodeInvalidOption, "a job's log has no service: give the job or the service")
	}
	if q.Job != "" {
		if err := ValidateJobName(q.Job); err != nil {
			return err
		}
	}
	if q.Limit < 0 || q.Limit > MaxLogLimit {
		return catalog.Err(catalog.CodeInvalidParameter, "limit %d: allowed 0 to %d", q.Limit, MaxLogLimit)
	}
	if len(q.Cursor) > 64<<10 {
		return catalog.Err(catalog.CodeInvalidParameter, "cursor is too long")
	}
	return nil
}

// LogEntry is one log line: the console's Time, Description and Service,
// and the engine log's other columns.
type LogEntry struct {
	Time    time.Time `json:"time"`
	Service string    `json:"service"` // "Double-Take", "Management Service" or "Job"
	Type    int       `json:"type"`    // 1 warning or error, 2 information
	ID      int       `json:"id,omitempty"`
	Seq     uint64    `json:"seq,omitempty"`
	PID     int       `json:"pid,omitempty"`
	TID     int       `json:"tid,omitempty"`
	Message string    `json:"message"`
}

// LogPage is what ReadLogs returns: lines oldest first, and the cursor to
// read what comes after them.
type LogPage struct {
	Entries []LogEntry `json:"entries"`
	Cursor  string     `json:"cursor"`
}
