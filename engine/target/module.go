package target

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/wire"
)

// Settings is what the target reads of the server's settings, live.
type Settings interface {
	Int(id catalog.SettingID) int64
	String(id catalog.SettingID) string
}

// Config describes the target module.
type Config struct {
	ServerName string
	Settings   Settings
	Hub        *events.Hub
	Stats      *stats.Registry
	// DataPath holds the durable sequence of each job.
	DataPath string
	// Secret returns the shared secret for a source's Hello.
	Secret func(wire.Hello) ([]byte, error)
	TLS    *tls.Config // nil: plain TCP
	Log    *slog.Logger
}

// Entry is a target connection entry of the service view.
type Entry struct {
	SourceName      string    `json:"source_name"`
	SourceAddress   string    `json:"source_address"`
	ReplicationSet  string    `json:"replication_set"`
	ConnectionID    int       `json:"connection_id"`
	TargetPath      string    `json:"target_path"`
	TargetDataState string    `json:"target_data_state"`
	TargetStatus    string    `json:"target_status"`
	Since           time.Time `json:"since"`
}

// Module is the target module.
type Module struct {
	cfg    Config
	paused atomic.Bool
	mu     sync.Mutex
	resume chan struct{} // closed and replaced on each resume
	conns  map[*session]struct{}
	jobs   map[string]*session // one live session per job: a reconnect replaces the old one
	gate   *gate               // connections not yet admitted (gate.go)
	failed *atomic.Int64       // Security FailedLogins
	logins *atomic.Int64

	openHandles atomic.Int64 // Kernel TargetOpenHandles, summed over sessions

	blk           blocks       // target paths blocked under TGBlockOnConnect (block.go)
	restore       restoreFlags // replication sets whose copy is Restore Required (restore.go)
	orphansDirSet atomic.Bool  // event 4069 raised
	lastPurge     time.Time    // last expiry of moved files (moved.go), under mu
}

// New prepares the target module.
func New(cfg Config) *Module {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	m := &Module{cfg: cfg, resume: make(chan struct{}), conns: map[*session]struct{}{},
		jobs: map[string]*session{}, gate: newGate()}
	m.failed = cfg.Stats.Security.Counter(catalog.StatFailedLogins)
	m.logins = cfg.Stats.Security.Counter(catalog.StatLogins)
	cfg.Stats.Kernel.SetFunc(catalog.StatTargetOpenHandles, m.openHandles.Load)
	if v := cfg.Settings.String(catalog.SettingTargetPaused); v != "" && v != "0" {
		m.paused.Store(true)
	}
	if err := m.restore.load(filepath.Join(m.durableDir(), "restore-required.json")); err != nil {
		m.cfg.Log.Warn("Restore Required state not loaded", "err", err)
	}
	return m
}

// Serve accepts sources on ln until ctx ends.
func (m *Module) Serve(ctx context.Context, ln net.Listener) error {
	go func() { <-ctx.Done(); ln.Close() }()
	m.cfg.Hub.Raise(catalog.EventDoubleTake4001, events.Context{})
	defer m.cfg.Hub.Raise(catalog.EventDoubleTake4004, events.Context{})
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		host := peerHost(nc.RemoteAddr())
		if !m.gate.enter(host) {
			nc.Close()
			m.refused(nc.RemoteAddr(), errTooManyPending)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.handle(ctx, nc, func() { m.gate.leave(host) })
		}()
	}
}

// Pause pauses the target: ops are held, not applied (event 4026).
func (m *Module) Pause() error {
	if m.paused.Swap(true) {
		return catalog.Err(catalog.CodeTargetPaused, "the target is already paused")
	}
	m.cfg.Hub.Raise(catalog.EventDoubleTake4026, events.Context{})
	return nil
}

// Resume resumes a paused target (event 4027).
func (m *Module) Resume() error {
	if !m.paused.Swap(false) {
		return catalog.Err(catalog.CodeInvalidOption, "the target is not paused")
	}
	m.mu.Lock()
	close(m.resume)
	m.resume = make(chan struct{})
	m.mu.Unlock()
	m.cfg.Hub.Raise(catalog.EventDoubleTake4027, events.Context{})
	return nil
}

// Paused reports whether the target is paused.
func (m *Module) Paused() bool { return m.paused.Load() }

// waitResumed blocks while the target is paused.
func (m *Module) waitResumed(ctx context.Context) error {
	for m.paused.Load() {
		m.mu.Lock()
		ch := m.resume
		m.mu.Unlock()
		if !m.paused.Load() {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
	return nil
}

// Entries lists the target connection entries.
func (m *Module) Entries() []Entry {
	m.mu.Lock()
	out := make([]Entry, 0, len(m.conns))
	for s := range m.conns {
		out = append(out, s.entry())
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ConnectionID < out[j].ConnectionID })
	return out
}

func (m *Module) durableDir() string { return filepath.Join(m.cfg.DataPath, "target") }
