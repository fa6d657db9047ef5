package server

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"weak"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/source"
	"github.com/dtrep/dtrep/engine/view"
)

// JobID returns the stable ID of the job called name (it names the job's
// log, job-<GUID>.log).
func (s *Server) JobID(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j, ok := s.jobs[name]
	if !ok {
		return "", false
	}
	return j.ID, true
}

// View builds the replication service view from the live server.
func (s *Server) View(context.Context) (view.View, error) {
	k := s.reg.Kernel.Instance()
	in := view.Input{Catalog: s.cat, ServerName: s.name, ProductVersion: ProductVersion(),
		OperatingSystem: operatingSystem(), SourceRunning: k.Values["SourceState"] != 0,
		TargetRunning:   k.Values["TargetState"] != 0,
		FailoverRunning: s.failover.Running()}

	// Copy what the jobs hold under the lock; ask the connections for
	// their status and counters after it, so no statistics callback ever
	// runs under the server's lock.
	type started struct {
		ci   view.ConnInput
		conn *source.Connection
	}
	var conns []started
	s.mu.Lock()
	names := make([]string, 0, len(s.jobs))
	for n := range s.jobs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		j := s.jobs[n]
		set := view.SetInput{Name: j.set.Name(), Root: j.set.Root(), Rules: j.set.Rules(), Size: j.set.Size(),
			InUse: j.conn != nil}
		in.Sets = append(in.Sets, set)
		if j.conn != nil {
			conns = append(conns, started{conn: j.conn, ci: view.ConnInput{ID: j.connID, Job: n, InUse: running(j),
				Set: set, Target: j.Spec.Target, TargetPath: j.Spec.TargetPath, Compression: j.Spec.Compression,
				BandwidthKbps: int64(j.Spec.BandwidthKbps)}})
		}
	}
	s.mu.Unlock()
	for _, c := range conns {
		ci := c.ci
		st := c.conn.Status()
		q := c.conn.Queue()
		ci.TransmitMode, ci.MirrorStatus, ci.ReplicationStatus = st.TransmitMode, st.MirrorStatus, st.ReplicationStatus
		ci.TargetDataState, ci.ConState, ci.ConnectedSince = st.TargetDataState, st.ConState, st.ConnectedSince
		ci.ChangeCapture = st.ChangeCapture
		ci.QueueBytes = q.BytesInRepQueue + q.BytesInMirQueue + q.BytesInAckQueue
		ci.TargetName, ci.TargetAddr, _ = c.conn.Peer()
		if blk, ok := s.reg.Connection(ci.ID); ok {
			ci.Counters = blk.Instance()
		}
		in.Connections = append(in.Connections, ci)
	}
	sort.Slice(in.Connections, func(a, b int) bool { return in.Connections[a].ID < in.Connections[b].ID })

	in.Entries = s.targetEntries()
	v, missing := view.Build(in)
	if len(missing) > 0 {
		s.log.Warn("service view items without a value", "items", strings.Join(missing, "; "))
	}
	return v, nil
}

// running reports whether the job's connection is still running; one whose
// Run returned (an error it does not retry) is no longer in use.
func running(j *job) bool {
	select {
	case <-j.done:
		return false
	default:
		return true
	}
}

// DeleteConnection deletes a connection that is not in use: its ID and
// statistics are released and its job counts as stopped. A connection its
// job still runs is refused: deleting it would corrupt the job, as the
// reference warns, and stopping the job is the way to end it.
func (s *Server) DeleteConnection(_ context.Context, id int) error {
	s.mu.Lock()
	var found *job
	for _, j := range s.jobs {
		if j.conn != nil && j.connID == id {
			found = j
		}
	}
	if found == nil {
		s.mu.Unlock()
		return catalog.Err(catalog.CodeConnectionNotExist, "connection %d", id)
	}
	if running(found) {
		s.mu.Unlock()
		return catalog.Err(catalog.CodeJobInUse, "connection %d is in use by job %q: stop the job instead", id, found.Spec.Name)
	}
	found.Enabled = false
	err := s.saveJobsLocked()
	s.mu.Unlock()
	s.stop(found)
	return err
}

// DeleteReplicationSet deletes a replication set no connection uses. In
// dtrep a replication set belongs to the one job created with it, so the
// job, which cannot run without it, goes too.
func (s *Server) DeleteReplicationSet(_ context.Context, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for jn, j := range s.jobs {
		if j.set.Name() != name {
			continue
		}
		if j.conn != nil {
			return catalog.Err(catalog.CodeJobInUse, "replication set %q is used by connection %d: stop job %q first",
				name, j.connID, j.Spec.Name)
		}
		delete(s.jobs, jn)
		if err := s.saveJobsLocked(); err != nil {
			s.jobs[jn] = j
			return err
		}
		return nil
	}
	return catalog.Err(catalog.CodeJobNotExist, "replication set %q", name)
}

// entryMemory remembers the target connection entries a server has shown,
// so an entry whose source went away stays listed as Disconnected, as the
// reference describes, until a new connection of the same source and
// replication set to the same target path takes its place. It is kept
// beside the Server, keyed weakly, and dropped when the Server is.
type entryMemory struct {
	mu   sync.Mutex
	seen map[entryKey]view.EntryInput
}

type entryKey struct{ source, set, path string }

var memories sync.Map // weak.Pointer[Server] -> *entryMemory

func (s *Server) entryMemory() *entryMemory {
	k := weak.Make(s)
	if m, ok := memories.Load(k); ok {
		return m.(*entryMemory)
	}
	m, loaded := memories.LoadOrStore(k, &entryMemory{seen: map[entryKey]view.EntryInput{}})
	if !loaded {
		runtime.AddCleanup(s, func(k weak.Pointer[Server]) { memories.Delete(k) }, k)
	}
	return m.(*entryMemory)
}

// targetEntries lists the live entries, then the remembered ones that are
// no longer connected.
func (s *Server) targetEntries() []view.EntryInput {
	mem := s.entryMemory()
	mem.mu.Lock()
	defer mem.mu.Unlock()
	live := map[entryKey]bool{}
	var out []view.EntryInput
	for _, e := range s.target.Entries() {
		in := view.EntryInput{SourceName: e.SourceName, SourceAddress: e.SourceAddress,
			ReplicationSet: e.ReplicationSet, ConnectionID: e.ConnectionID,
			TargetDataState: e.TargetDataState, TargetStatus: e.TargetStatus}
		k := entryKey{e.SourceName, e.ReplicationSet, e.TargetPath}
		live[k] = true
		mem.seen[k] = in
		out = append(out, in)
	}
	var gone []view.EntryInput
	for k, e := range mem.seen {
		if !live[k] {
			e.TargetDataState = view.StatusDisconnected
			gone = append(gone, e)
		}
	}
	sort.Slice(gone, func(a, b int) bool {
		if gone[a].SourceName != gone[b].SourceName {
			return gone[a].SourceName < gone[b].SourceName
		}
		return gone[a].ReplicationSet < gone[b].ReplicationSet
	})
	return append(out, gone...)
}

// ProductVersion is the module version the binary was built from, as the
// service view and the registry value SCOM discovers (Windows) show it.
func ProductVersion() string {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	return "dtrep " + v
}

// operatingSystem names the distribution and kernel where it can read them.
func operatingSystem() string {
	name := runtime.GOOS
	if b, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "PRETTY_NAME="); ok {
				name = strings.Trim(v, `"'`)
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		name += ", kernel " + strings.TrimSpace(string(b))
	}
	return name + " (" + runtime.GOARCH + ")"
}
