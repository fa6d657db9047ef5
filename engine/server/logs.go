package server

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/logfile"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// Service names of log entries, as the console's Service column shows them.
const (
	serviceEngine     = "Double-Take"
	serviceManagement = "Management Service"
	serviceJob        = "Job"
)

// logStream is one log ReadLogs reads.
type logStream struct {
	key     string // names the stream in a cursor
	service string
	stream  logfile.Stream
}

var jobIDLike = regexp.MustCompile(`^[0-9a-fA-F-]{8,64}$`)

// logStreams picks the logs a query names, in LogDir.
func (s *Server) logStreams(q mgmt.LogQuery) ([]logStream, error) {
	dir := s.set.String(catalog.SettingLogDir)
	if q.Job != "" {
		id, ok := s.JobID(q.Job)
		if !ok {
			// A deleted job's log stays; its ID still reads it.
			if !jobIDLike.MatchString(q.Job) {
				return nil, catalog.Err(catalog.CodeJobNotExist, "job %q", q.Job)
			}
			if _, err := os.Stat(filepath.Join(dir, logfile.JobLogName(q.Job))); err != nil {
				return nil, catalog.Err(catalog.CodeJobNotExist, "job %q", q.Job)
			}
			id = q.Job
		}
		return []logStream{{"job", serviceJob, logfile.RollingStream{Path: filepath.Join(dir, logfile.JobLogName(id))}}}, nil
	}
	var out []logStream
	if q.Service != mgmt.LogServiceManagement {
		out = append(out, logStream{"engine", serviceEngine, logfile.SeriesStream{Dir: dir,
			Base: logfile.EngineBase(s.set.String(catalog.SettingLogFile)), Ext: logfile.EngineExt}})
	}
	if q.Service != mgmt.LogServiceEngine {
		out = append(out, logStream{"management", serviceManagement,
			logfile.RollingStream{Path: filepath.Join(dir, logfile.MasterLogName)}})
	}
	return out, nil
}

// ReadLogs reads the server's logs: the last lines of each without a
// cursor, what follows the cursor with one. Lines of several logs are
// merged by time.
func (s *Server) ReadLogs(_ context.Context, q mgmt.LogQuery) (mgmt.LogPage, error) {
	if err := q.Validate(); err != nil {
		return mgmt.LogPage{}, err
	}
	streams, err := s.logStreams(q)
	if err != nil {
		return mgmt.LogPage{}, err
	}
	cur := map[string]logfile.Position{}
	if q.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.Cursor)
		if err == nil {
			err = json.Unmarshal(b, &cur)
		}
		if err != nil {
			return mgmt.LogPage{}, catalog.Err(catalog.CodeInvalidParameter, "log cursor is not one this server gave")
		}
	}
	limit := q.Limit
	if limit == 0 {
		limit = mgmt.DefaultLogLimit
	}
	var page mgmt.LogPage
	for _, st := range streams {
		add := func(line string) { page.Entries = append(page.Entries, entryOf(st.service, line)) }
		if q.Cursor == "" {
			lines, end, err := logfile.Tail(st.stream, tailCount(q.Tail))
			if err != nil {
				return mgmt.LogPage{}, catalog.Wrap(catalog.CodeUnknown, err, "reading %s log", st.key)
			}
			if q.Tail != 0 {
				for _, l := range lines {
					add(l)
				}
			}
			cur[st.key] = end
			continue
		}
		end, err := logfile.ReadFrom(st.stream, cur[st.key], limit, add)
		if err != nil {
			return mgmt.LogPage{}, catalog.Wrap(catalog.CodeUnknown, err, "reading %s log", st.key)
		}
		cur[st.key] = end
	}
	sort.SliceStable(page.Entries, func(a, b int) bool { return page.Entries[a].Time.Before(page.Entries[b].Time) })
	b, err := json.Marshal(cur)
	if err != nil {
		return mgmt.LogPage{}, err
	}
	page.Cursor = base64.RawURLEncoding.EncodeToString(b)
	return page, nil
}

// tailCount maps the query's Tail to logfile.Tail's: all lines for a
// negative Tail, and one line (dropped by the caller) for none, which still
// finds where the log ends.
func tailCount(tail int) int {
	switch {
	case tail < 0:
		return 0
	case tail == 0:
		return 1
	}
	return tail
}

// entryOf reads one line; a line that is not in the reference's columns
// (a file edited by hand) is kept whole as the message.
func entryOf(service, line string) mgmt.LogEntry {
	l, err := logfile.ParseLine(line)
	if err != nil {
		return mgmt.LogEntry{Service: service, Type: logfile.TypeInfo, Message: line}
	}
	return mgmt.LogEntry{Time: l.Time.In(time.Local), Service: service, Type: l.Type, ID: l.ID, Seq: l.Seq,
		PID: l.PID, TID: l.TID, Message: l.Text}
}
