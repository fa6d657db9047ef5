package stats

import (
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Registry owns every Set of one server.
type Registry struct {
	Kernel   *Set[catalog.Kernel]
	Security *Set[catalog.Security]
	Source   *Set[catalog.Source]

	mu          sync.RWMutex
	targets     map[string]*Set[catalog.Target]  // by peer address
	connections map[int]*Set[catalog.Connection] // by connection ID
}

// NewRegistry creates the singleton sets of a server.
func NewRegistry() *Registry {
	return &Registry{
		Kernel:      newSet[catalog.Kernel]("", nil),
		Security:    newSet[catalog.Security]("", nil),
		Source:      newSet[catalog.Source]("", nil),
		targets:     map[string]*Set[catalog.Target]{},
		connections: map[int]*Set[catalog.Connection]{},
	}
}

// Target returns (creating on first use) the target block for a source peer.
// Target blocks live as long as the server: the reference's Target counters
// are "since the Double-Take service was loaded".
func (r *Registry) Target(peer string) *Set[catalog.Target] {
	r.mu.RLock()
	s, ok := r.targets[peer]
	r.mu.RUnlock()
	if ok {
		return s
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok = r.targets[peer]; !ok {
		s = newSet[catalog.Target](peer, map[string]string{"peer": peer})
		r.targets[peer] = s
	}
	return s
}

// AddConnection creates the block of a new connection; labels name its job,
// replication set and target.
func (r *Registry) AddConnection(id int, labels map[string]string) *Set[catalog.Connection] {
	l := map[string]string{"connection_id": strconv.Itoa(id)}
	for k, v := range labels {
		l[k] = v
	}
	s := newSet[catalog.Connection](strconv.Itoa(id), l)
	r.mu.Lock()
	r.connections[id] = s
	r.mu.Unlock()
	return s
}

// RemoveConnection drops a connection's block when the connection goes away.
func (r *Registry) RemoveConnection(id int) {
	r.mu.Lock()
	delete(r.connections, id)
	r.mu.Unlock()
}

// Connection returns a connection's block.
func (r *Registry) Connection(id int) (*Set[catalog.Connection], bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.connections[id]
	return s, ok
}

// Snapshot is a consistent-enough copy of every set at one moment: each value
// is read atomically; values of different counters may be microseconds apart.
type Snapshot struct {
	Time        time.Time  `json:"time"`
	Kernel      Instance   `json:"kernel"`
	Security    Instance   `json:"security"`
	Source      Instance   `json:"source"`
	Targets     []Instance `json:"targets"`
	Connections []Instance `json:"connections"`
}

// Snapshot copies every set. It holds the registry lock only to list the
// sets, never while reading values.
func (r *Registry) Snapshot() Snapshot {
	r.mu.RLock()
	targets := make([]*Set[catalog.Target], 0, len(r.targets))
	for _, s := range r.targets {
		targets = append(targets, s)
	}
	conns := make([]*Set[catalog.Connection], 0, len(r.connections))
	for _, s := range r.connections {
		conns = append(conns, s)
	}
	r.mu.RUnlock()

	snap := Snapshot{Time: time.Now(), Kernel: r.Kernel.Instance(),
		Security: r.Security.Instance(), Source: r.Source.Instance()}
	for _, s := range targets {
		snap.Targets = append(snap.Targets, s.Instance())
	}
	sort.Slice(snap.Targets, func(i, j int) bool { return snap.Targets[i].Key < snap.Targets[j].Key })
	for _, s := range conns {
		snap.Connections = append(snap.Connections, s.Instance())
	}
	sort.Slice(snap.Connections, func(i, j int) bool {
		a, _ := strconv.Atoi(snap.Connections[i].Key)
		b, _ := strconv.Atoi(snap.Connections[j].Key)
		return a < b
	})
	return snap
}
