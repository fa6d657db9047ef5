package console

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/mgmt"
)

// Server health words of Manage Servers.
const (
	HealthOK          = "OK"
	HealthWarning     = "Warning" // a started job is paused, mirroring or not yet connected
	HealthError       = "Error"   // a job is in error
	HealthUnreachable = "Unreachable"
	HealthConnecting  = "Connecting" // not polled yet
)

// ServerRow is a server's line of Manage Servers.
type ServerRow struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	URL          string    `json:"url,omitempty"`
	Local        bool      `json:"local,omitempty"`
	Health       string    `json:"health"`
	Error        string    `json:"error,omitempty"`
	ServerName   string    `json:"server_name,omitempty"`
	Version      string    `json:"version,omitempty"`
	OS           string    `json:"os,omitempty"`
	SourceModule string    `json:"source_module,omitempty"`
	TargetModule string    `json:"target_module,omitempty"`
	Connections  int       `json:"connections"`  // this server's connections as a source
	TargetConns  int       `json:"target_conns"` // connections to it as a target
	Jobs         int       `json:"jobs"`
	JobsInError  int       `json:"jobs_in_error"`
	LastContact  time.Time `json:"last_contact,omitzero"`
}

// jobsFrame is a "jobs" event: the rows of one server that changed, the
// names that went, or with Reset every row of the server.
type jobsFrame struct {
	Server string            `json:"server"`
	Reset  bool              `json:"reset,omitempty"`
	Upsert []json.RawMessage `json:"upsert,omitempty"`
	Remove []string          `json:"remove,omitempty"`
}

// subscriberBuffer is how many frames a browser may lag; past it the
// browser is dropped and its EventSource reconnects to a fresh snapshot.
const subscriberBuffer = 256

type subscriber struct {
	ch   chan []byte
	gone chan struct{}
}

// live is what the browsers see: every server's row and every job's last
// JSON, and the browsers subscribed to changes.
type live struct {
	mu      sync.Mutex
	rows    map[string][]byte            // server ID -> ServerRow JSON
	jobs    map[string]map[string][]byte // server ID -> job name -> JobStatus JSON
	subs    map[*subscriber]struct{}
	dropped int // browsers dropped for lagging
}

func newLive() *live {
	return &live{rows: map[string][]byte{}, jobs: map[string]map[string][]byte{}, subs: map[*subscriber]struct{}{}}
}

func frame(event string, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("BUG: console: %s frame: %v", event, err))
	}
	return fmt.Appendf(nil, "event: %s\ndata: %s\n\n", event, b)
}

// publishLocked hands f to every browser without waiting for any.
func (l *live) publishLocked(f []byte) {
	for s := range l.subs {
		select {
		case s.ch <- f:
		default:
			close(s.gone)
			delete(l.subs, s)
			l.dropped++
		}
	}
}

// server records a server's row; jobs, when not nil, its jobs' statuses
// (nil keeps the last known rows, as when the server is unreachable).
func (l *live) server(row ServerRow, jobs []mgmt.JobStatus) {
	rb, _ := json.Marshal(row)
	l.mu.Lock()
	defer l.mu.Unlock()
	if !bytes.Equal(l.rows[row.ID], rb) {
		l.rows[row.ID] = rb
		l.publishLocked(frame("server", json.RawMessage(rb)))
	}
	if jobs == nil {
		return
	}
	old := l.jobs[row.ID]
	next := make(map[string][]byte, len(jobs))
	jf := jobsFrame{Server: row.ID}
	for _, j := range jobs {
		b, err := json.Marshal(j)
		if err != nil {
			continue
		}
		next[j.Spec.Name] = b
		if !bytes.Equal(old[j.Spec.Name], b) {
			jf.Upsert = append(jf.Upsert, b)
		}
	}
	for name := range old {
		if _, ok := next[name]; !ok {
			jf.Remove = append(jf.Remove, name)
		}
	}
	l.jobs[row.ID] = next
	if len(jf.Upsert) > 0 || len(jf.Remove) > 0 {
		l.publishLocked(frame("jobs", jf))
	}
}

// tick tells the browsers a polling round ended (charts sample on it).
func (l *live) tick(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.publishLocked(frame("tick", map[string]int64{"time": now.UnixMilli()}))
}

// forget removes a server no longer watched.
func (l *live) forget(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.rows, id)
	delete(l.jobs, id)
	l.publishLocked(frame("forget", map[string]string{"server": id}))
}

// subscribe returns a subscriber and the snapshot frames it starts from.
func (l *live) subscribe() (*subscriber, [][]byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := &subscriber{ch: make(chan []byte, subscriberBuffer), gone: make(chan struct{})}
	l.subs[s] = struct{}{}
	ids := make([]string, 0, len(l.rows))
	for id := range l.rows {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var snap [][]byte
	for _, id := range ids {
		snap = append(snap, frame("server", json.RawMessage(l.rows[id])))
		jf := jobsFrame{Server: id, Reset: true}
		for _, b := range l.jobs[id] {
			jf.Upsert = append(jf.Upsert, b)
		}
		snap = append(snap, frame("jobs", jf))
	}
	return s, snap
}

func (l *live) unsubscribe(s *subscriber) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.subs, s)
}

// pollServer reads one server's view and jobs and records them.
func (c *Console) pollServer(ctx context.Context, w *watched) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.PollTimeout)
	defer cancel()
	row := ServerRow{ID: w.ID, Name: w.Name, URL: w.URL, Local: w.ID == LocalID}
	v, err := w.m.View(ctx)
	var jobs []mgmt.JobStatus
	if err == nil {
		jobs, err = w.m.ListJobs(ctx)
	}
	if err != nil {
		row.Health, row.Error = HealthUnreachable, err.Error()
		c.mu.Lock()
		row.LastContact = c.lastContact[w.ID]
		c.mu.Unlock()
		c.live.server(row, nil)
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	c.mu.Lock()
	c.lastContact[w.ID] = now
	c.mu.Unlock()
	row.LastContact = now
	row.ServerName, _ = v.Root.Get("Server name")
	row.Version, _ = v.Root.Get("Product version")
	row.OS, _ = v.Root.Get("Operating system")
	row.SourceModule, _ = v.Root.Get("Source module")
	row.TargetModule, _ = v.Root.Get("Target module")
	row.Connections, row.TargetConns = len(v.Connections), len(v.TargetEntries)
	row.Jobs = len(jobs)
	row.Health = HealthOK
	for _, j := range jobs {
		switch {
		case jobInError(j):
			row.JobsInError++
			row.Health = HealthError
		case row.Health == HealthOK && !jobSettled(j):
			row.Health = HealthWarning
		}
	}
	if row.JobsInError > 0 {
		row.Error = fmt.Sprintf("%d of %d jobs in error", row.JobsInError, row.Jobs)
	}
	c.live.server(row, jobs)
}

func jobInError(j mgmt.JobStatus) bool {
	return j.ConState&mgmt.ConStateError != 0 || j.TransmitMode == mgmt.TransmitError ||
		j.ReplicationStatus == mgmt.ReplicationFailed || j.ReplicationStatus == mgmt.ReplicationOutOfMemory
}

// jobSettled is a job replicating with nothing left to mirror, or one an
// operator stopped on purpose.
func jobSettled(j mgmt.JobStatus) bool {
	if !j.Enabled {
		return true
	}
	return j.TransmitMode == mgmt.TransmitActive && j.MirrorStatus == mgmt.MirrorIdle
}

// PageSize is how many job rows Manage Jobs draws at once (PAGE_SIZE in
// app.js).
const PageSize = 50
