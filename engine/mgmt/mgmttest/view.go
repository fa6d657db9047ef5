package mgmttest

import (
	"context"
	"slices"
	"strconv"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/view"
)

// SetView sets what View returns; DeleteConnection and
// DeleteReplicationSet change it.
func (f *Fake) SetView(v view.View) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.view = v
}

// SetLogs sets the lines ReadLogs serves, oldest first.
func (f *Fake) SetLogs(entries []mgmt.LogEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = slices.Clone(entries)
}

// AppendLogs adds lines, as a server writing its logs would.
func (f *Fake) AppendLogs(entries ...mgmt.LogEntry) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, entries...)
}

// View implements mgmt.Manager.
func (f *Fake) View(context.Context) (view.View, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("View"); err != nil {
		return view.View{}, err
	}
	return f.view, nil
}

// DeleteConnection implements mgmt.Manager.
func (f *Fake) DeleteConnection(_ context.Context, id int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("DeleteConnection", id); err != nil {
		return err
	}
	i := slices.IndexFunc(f.view.Connections, func(c view.Connection) bool { return c.ID == id })
	if i < 0 {
		return catalog.Err(catalog.CodeConnectionNotExist, "connection %d", id)
	}
	if f.view.Connections[i].InUse {
		return catalog.Err(catalog.CodeJobInUse, "connection %d is in use", id)
	}
	f.view.Connections = slices.Delete(f.view.Connections, i, i+1)
	return nil
}

// DeleteReplicationSet implements mgmt.Manager.
func (f *Fake) DeleteReplicationSet(_ context.Context, name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("DeleteReplicationSet", name); err != nil {
		return err
	}
	i := slices.IndexFunc(f.view.ReplicationSets, func(s view.ReplicationSet) bool { return s.Name == name })
	if i < 0 {
		return catalog.Err(catalog.CodeJobNotExist, "replication set %q", name)
	}
	if f.view.ReplicationSets[i].InUse {
		return catalog.Err(catalog.CodeJobInUse, "replication set %q is in use", name)
	}
	f.view.ReplicationSets = slices.Delete(f.view.ReplicationSets, i, i+1)
	return nil
}

// ReadLogs implements mgmt.Manager. The cursor is the number of lines read
// so far; Service and Job select nothing here (every line is served).
func (f *Fake) ReadLogs(_ context.Context, q mgmt.LogQuery) (mgmt.LogPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.enter("ReadLogs", q.Service, q.Job, q.Tail); err != nil {
		return mgmt.LogPage{}, err
	}
	start := 0
	if q.Cursor == "" {
		if q.Tail >= 0 {
			start = max(0, len(f.logs)-q.Tail)
		}
	} else {
		n, err := strconv.Atoi(q.Cursor)
		if err != nil || n < 0 || n > len(f.logs) {
			return mgmt.LogPage{}, catalog.Err(catalog.CodeInvalidParameter, "cursor %q", q.Cursor)
		}
		start = n
	}
	end := len(f.logs)
	if q.Cursor != "" {
		limit := q.Limit
		if limit == 0 {
			limit = mgmt.DefaultLogLimit
		}
		end = min(end, start+limit)
	}
	return mgmt.LogPage{Entries: slices.Clone(f.logs[start:end]), Cursor: strconv.Itoa(end)}, nil
}
