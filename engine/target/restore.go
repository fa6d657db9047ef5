package target

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
	"github.com/dtrep/dtrep/internal/atomicfile"
)

// eventDataState: "Target data state for connection %1 from %2 (%3) has
// changed because %4."
const eventDataState = catalog.EventDoubleTake4065

// DataRestoreRequired is the target data state of a copy that must be
// restored to its source.
const DataRestoreRequired = "Restore Required"

// restoreFlags are the replication sets whose copy on this target is the
// authoritative one (the target took over from the source): their sources
// must restore from it, or remirror over it, before replicating again. The
// set survives restarts in DataPath/target/restore-required.json.
type restoreFlags struct {
	mu   sync.Mutex
	path string
	sets map[string]bool
	n    atomic.Int32 // len(sets): the apply path checks it without the lock
}

func (r *restoreFlags) load(path string) error {
	r.path, r.sets = path, map[string]bool{}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("restore state: %w", err)
	}
	var names []string
	if err := json.Unmarshal(b, &names); err != nil {
		return fmt.Errorf("restore state %s: %w", path, err)
	}
	for _, n := range names {
		r.sets[n] = true
	}
	r.n.Store(int32(len(r.sets)))
	return nil
}

func (r *restoreFlags) has(set string) bool {
	if r.n.Load() == 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sets[set]
}

// put records set's flag durably (temp file, fsync, rename); the flag
// changes in memory only once it is on disk.
func (r *restoreFlags) put(set string, on bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sets[set] == on {
		return nil
	}
	names := make([]string, 0, len(r.sets)+1)
	for n := range r.sets {
		if n != set {
			names = append(names, n)
		}
	}
	if on {
		names = append(names, set)
	}
	sort.Strings(names)
	b, _ := json.Marshal(names)
	if err := os.MkdirAll(filepath.Dir(r.path), 0o700); err != nil {
		return fmt.Errorf("restore state: %w", err)
	}
	if err := atomicfile.WriteFile(r.path, b, 0o600); err != nil {
		return fmt.Errorf("restore state: %w", err)
	}
	if on {
		r.sets[set] = true
	} else {
		delete(r.sets, set)
	}
	r.n.Store(int32(len(r.sets)))
	return nil
}

// RequireRestore marks the target's copy of replication set set as the
// authoritative one, as a failover leaves it: its source is told (its
// target data state becomes Restore Required, event 4018 there), and the
// target discards the source's mirror and replication ops until the source
// restores from it or the user remirrors.
func (m *Module) RequireRestore(set string) error {
	if set == "" {
		return catalog.Err(catalog.CodeInvalidParameter, "replication set name is empty")
	}
	if err := m.restore.put(set, true); err != nil {
		return err
	}
	m.notifyJobState(set, "the target took over for the source (failover)")
	return nil
}

// RestoreRequired lists the replication sets whose copy is Restore
// Required.
func (m *Module) RestoreRequired() []string {
	m.restore.mu.Lock()
	defer m.restore.mu.Unlock()
	out := make([]string, 0, len(m.restore.sets))
	for n := range m.restore.sets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// notifyJobState tells the connected sources of set their job state, with
// event 4065 giving why it changed.
func (m *Module) notifyJobState(set, why string) {
	m.mu.Lock()
	var live []*session
	for s := range m.conns {
		if s.hello.SetName == set {
			live = append(live, s)
		}
	}
	m.mu.Unlock()
	for _, s := range live {
		m.cfg.Hub.Raise(eventDataState, s.ctx(), s.connID(), s.hello.ServerName,
			s.c.RemoteAddr().String(), why)
		if err := s.sendJobState(); err != nil {
			m.cfg.Log.Warn("job state not sent", "connection", s.hello.ConnectionID, "err", err)
		}
	}
}

// jobFlags are the session's job's flags.
func (s *session) jobFlags() wire.JobFlags {
	var f wire.JobFlags
	if s.m.restore.has(s.hello.SetName) {
		f |= wire.JobRestoreRequired
	}
	if s.owed.Load() {
		f |= wire.JobMirrorRequired
	}
	return f
}

func (s *session) sendJobState() error {
	return s.c.Send(&wire.JobState{Flags: s.jobFlags()})
}

// restoreResolved handles the source's word that its copy and the
// target's agree again.
func (s *session) restoreResolved() {
	set := s.hello.SetName
	if !s.m.restore.has(set) {
		return
	}
	if err := s.m.restore.put(set, false); err != nil {
		s.m.cfg.Log.Warn("restore state not cleared", "set", set, "err", err)
		return
	}
	s.m.notifyJobState(set, "the source restored its copy from the target or remirrored over it")
}

// readReply answers a restore's read of the target's data.
func readReply(root *os.Root, req *wire.ReadRequest) (*wire.ReadReply, error) {
	rep := &wire.ReadReply{ReqID: req.ReqID}
	f, fi, err := openRegular(root, req.Path)
	if err != nil || f == nil {
		return rep, err
	}
	defer f.Close()
	n := max(0, min(int64(req.Length), fi.Size()-req.Offset))
	buf := make([]byte, n)
	got, err := f.ReadAt(buf, req.Offset)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read %s: %w", req.Path, err)
	}
	rep.Exists, rep.Size, rep.Offset, rep.Data = true, fi.Size(), req.Offset, buf[:got]
	return rep, nil
}
