package failover

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/dtrep/dtrep/internal/atomicfile"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
)

// Monitor states.
const (
	StateMonitoring   = "Monitoring"
	StateConditionMet = "Failover Condition Met"
	StateFailingOver  = "Failing Over"
	StateFailedOver   = "Failed Over"
	StateReversed     = "Protection Reversed"
)

// Chapter 5 codes of failover.
const (
	CodeRecoveryBusy  = 219 // Recovery is busy
	CodeScriptStart   = 222 // Script failed to start
	CodeScriptTimeout = 223 // Script timeout met
)

// Events (Double-Take Management Service unless noted).
const (
	eventConditionMet   = catalog.EventDoubleTakeManagementService6010
	eventNotResponding  = catalog.EventDoubleTakeManagementService6011
	eventFailoverStart  = catalog.EventDoubleTakeManagementService6110
	eventFailoverDone   = catalog.EventDoubleTakeManagementService6111
	eventFailoverError  = catalog.EventDoubleTakeManagementService6112
	eventUndoStart      = catalog.EventDoubleTakeManagementService6120
	eventUndoDone       = catalog.EventDoubleTakeManagementService6121
	eventUndoError      = catalog.EventDoubleTakeManagementService6122
	eventReverseStart   = catalog.EventDoubleTakeManagementService6130
	eventReverseDone    = catalog.EventDoubleTakeManagementService6131
	eventReverseError   = catalog.EventDoubleTakeManagementService6132
	jobTypeFilesFolders = "files and folders"
)

// Host is what the monitors need of the server they run in.
type Host interface {
	// Heard counts the frames received from the sources of set: a change
	// between two probes means the source spoke (data or keep-alive).
	Heard(set string) uint64
	// RequireRestore makes this server's copy of set the live one.
	RequireRestore(set string) error
	// ClearRestore hands the copy of set back to its source.
	ClearRestore(set string) error
	// Reverse creates and starts job name on this server, protecting
	// copyPath to origPath on target, mirroring only differences.
	Reverse(ctx context.Context, name, copyPath, target, origPath string) error
}

// Status is one monitor as `dtrep failover status` shows it.
type Status struct {
	ID           int       `json:"id"`
	Spec         Spec      `json:"spec"`
	State        string    `json:"state"`
	Missed       int       `json:"missed"` // probes in a row without a reply
	LastReply    time.Time `json:"last_reply,omitzero"`
	ConditionMet time.Time `json:"condition_met,omitzero"`
	FailedOver   time.Time `json:"failed_over,omitzero"`
	ReverseJob   string    `json:"reverse_job,omitempty"`
	LastError    string    `json:"last_error,omitempty"`
}

// monitor is one monitor's live state; Manager.mu guards it.
type monitor struct {
	Status
	cancel context.CancelFunc
	busy   bool // a failover, undo or reverse is under way
}

// Manager runs a server's monitors and their failovers.
type Manager struct {
	host Host
	hub  *events.Hub
	log  *slog.Logger
	path string // where monitors persist

	mu     sync.Mutex
	mons   map[string]*monitor // by replication set
	nextID int
	ctx    context.Context // Run's; nil before Run
	wg     sync.WaitGroup
}

// NewManager loads the monitors saved in dir.
func NewManager(host Host, hub *events.Hub, log *slog.Logger, dir string) (*Manager, error) {
	m := &Manager{host: host, hub: hub, log: log, path: filepath.Join(dir, "failover.json"), mons: map[string]*monitor{}}
	b, err := os.ReadFile(m.path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err != nil {
		return nil, fmt.Errorf("failover: %w", err)
	}
	var saved []Status
	if err := json.Unmarshal(b, &saved); err != nil {
		return nil, fmt.Errorf("failover: %s: %w", m.path, err)
	}
	for _, st := range saved {
		if st.State != StateFailedOver && st.State != StateReversed {
			st.State = StateMonitoring // probes start over
		}
		st.Missed = 0
		m.mons[st.Spec.Set] = &monitor{Status: st}
		m.nextID = max(m.nextID, st.ID)
	}
	return m, nil
}

// Run runs the monitors until ctx ends and waits for them.
func (m *Manager) Run(ctx context.Context) {
	m.mu.Lock()
	m.ctx = ctx
	for _, mon := range m.mons {
		m.startLocked(mon)
	}
	m.mu.Unlock()
	<-ctx.Done()
	m.wg.Wait()
}

// Running reports whether any monitor is configured ("Failover module").
func (m *Manager) Running() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.mons) > 0
}

// Monitor adds the monitor spec describes, or replaces the one of the same
// set (keeping its state).
func (m *Manager) Monitor(spec Spec) (Status, error) {
	spec = spec.withDefaults()
	if err := spec.Validate(); err != nil {
		return Status{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	mon, ok := m.mons[spec.Set]
	if ok {
		if mon.busy {
			return Status{}, catalog.Err(CodeRecoveryBusy, "%s", spec.Set)
		}
		mon.cancel()
		mon.Spec = spec
	} else {
		m.nextID++
		mon = &monitor{Status: Status{ID: m.nextID, Spec: spec, State: StateMonitoring}}
		m.mons[spec.Set] = mon
	}
	if err := m.saveLocked(); err != nil {
		return Status{}, err
	}
	m.startLocked(mon)
	return mon.Status, nil
}

// Remove stops and forgets the monitor of set.
func (m *Manager) Remove(set string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	mon, err := m.getLocked(set)
	if err != nil {
		return err
	}
	if mon.busy {
		return catalog.Err(CodeRecoveryBusy, "%s", set)
	}
	if mon.cancel != nil {
		mon.cancel()
	}
	delete(m.mons, set)
	return m.saveLocked()
}

// Statuses lists the monitors by replication set.
func (m *Manager) Statuses() []Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Status, 0, len(m.mons))
	for _, mon := range m.mons {
		out = append(out, mon.Status)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Spec.Set < out[j].Spec.Set })
	return out
}

func (m *Manager) getLocked(set string) (*monitor, error) {
	mon, ok := m.mons[set]
	if !ok {
		return nil, catalog.Err(catalog.CodeJobNotExist, "no failover monitor for %q", set)
	}
	return mon, nil
}

// startLocked runs mon's probe loop under Run's context, if Run started.
func (m *Manager) startLocked(mon *monitor) {
	if m.ctx == nil {
		return
	}
	ctx, cancel := context.WithCancel(m.ctx)
	mon.cancel = cancel
	spec := mon.Spec
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		m.probe(ctx, spec)
	}()
}

// probe counts replies every interval until ctx ends.
func (m *Manager) probe(ctx context.Context, spec Spec) {
	t := time.NewTicker(time.Duration(spec.Interval))
	defer t.Stop()
	heard := m.host.Heard(spec.Set)
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := m.host.Heard(spec.Set)
		replied := now != heard
		heard = now
		if !replied {
			replied = reachable(ctx, spec.Source, time.Duration(spec.Interval))
		}
		if met := m.record(spec.Set, replied); met && spec.Auto {
			if err := m.Failover(ctx, spec.Set, true); err != nil {
				m.log.Warn("automatic failover failed", "set", spec.Set, "err", err)
			}
		}
	}
}

// reachable is the independent probe: a TCP connection to the source's
// address within timeout.
func reachable(ctx context.Context, addr string, timeout time.Duration) bool {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// record counts one probe's outcome; true when it meets the condition.
func (m *Manager) record(set string, replied bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	mon, ok := m.mons[set]
	if !ok || (mon.State != StateMonitoring && mon.State != StateConditionMet) {
		return false
	}
	if replied {
		mon.Missed, mon.LastReply = 0, time.Now()
		if mon.State == StateConditionMet {
			mon.State = StateMonitoring
			m.log.Info("failover condition cleared: the source replies again", "set", set, "source", mon.Spec.Source)
		}
		return false
	}
	mon.Missed++
	if mon.Missed < mon.Spec.Missed || mon.State == StateConditionMet {
		return false
	}
	mon.State, mon.ConditionMet = StateConditionMet, time.Now()
	host, _, _ := net.SplitHostPort(mon.Spec.Source)
	ctx := m.eventContext(mon)
	m.hub.Raise(eventNotResponding, ctx, host, set, strconv.Itoa(mon.ID))
	m.hub.Raise(eventConditionMet, ctx, jobTypeFilesFolders, set, strconv.Itoa(mon.ID))
	return true
}

func (m *Manager) eventContext(mon *monitor) events.Context {
	return events.Context{Job: mon.Spec.Set, RepSet: mon.Spec.Set, Peer: mon.Spec.Source}
}

// saveLocked persists the monitors, atomically and durably.
func (m *Manager) saveLocked() error {
	list := make([]Status, 0, len(m.mons))
	for _, mon := range m.mons {
		list = append(list, mon.Status)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(m.path, b, 0o600); err != nil {
		return fmt.Errorf("failover: %w", err)
	}
	return nil
}
