package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/failover"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/engine/source"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/target"
	"github.com/dtrep/dtrep/engine/wire"
)

// Options assemble a server.
type Options struct {
	Settings settings.Reader
	Name     string // server name; defaults to the host name
	// Listener, when set, replaces listening on Port (tests, the demo).
	Listener net.Listener
	Log      *slog.Logger
}

// Server is one dtrep server.
type Server struct {
	set      settings.Reader
	cat      *catalog.Catalog
	hub      *events.Hub
	reg      *stats.Registry
	log      *slog.Logger
	name     string
	dataPath string
	secret   []byte
	start    time.Time

	ln       net.Listener
	target   *target.Module
	failover *failover.Manager

	mu    sync.Mutex
	jobs  map[string]*job
	ids   idSet
	ctx   context.Context // the server's life; jobs run under it
	ready chan struct{}
}

// New assembles a server; Serve runs it.
func New(opts Options) (*Server, error) {
	cat, err := catalog.Load()
	if err != nil {
		return nil, err
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	name := opts.Name
	if name == "" {
		name, _ = os.Hostname()
	}
	s := &Server{set: opts.Settings, cat: cat, hub: events.NewHub(cat), reg: stats.NewRegistry(),
		log: opts.Log, name: name, dataPath: opts.Settings.String(catalog.SettingDataPath), start: time.Now(),
		jobs: map[string]*job{}, ids: idSet{}, ln: opts.Listener, ready: make(chan struct{})}
	if s.dataPath == "" {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "DataPath is empty")
	}
	if s.secret, err = s.loadSecret(); err != nil {
		return nil, err
	}
	if len(s.secret) < wire.MinSecretLength {
		opts.Log.Warn("ConnectionSecret is short: whoever captures one source proof can test guesses of it offline; use a random secret of at least 16 characters",
			"length", len(s.secret), "recommended", wire.MinSecretLength)
	}
	jobs, err := s.loadJobs()
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		s.jobs[j.Spec.Name] = j
	}
	s.target = target.New(target.Config{ServerName: name, Settings: opts.Settings, Hub: s.hub,
		Stats: s.reg, DataPath: s.dataPath, Log: opts.Log,
		Secret: func(wire.Hello) ([]byte, error) { return s.secret, nil }})
	if s.failover, err = failover.NewManager(failoverHost{s}, s.hub, opts.Log, s.dataPath); err != nil {
		return nil, err
	}
	s.bindKernel()
	return s, nil
}

// Hub is the server's event hub (exporters subscribe to it).
func (s *Server) Hub() *events.Hub { return s.hub }

// Registry is the server's statistics.
func (s *Server) Registry() *stats.Registry { return s.reg }

// Target is the target module.
func (s *Server) Target() *target.Module { return s.target }

// Addr is the address the target module listens on, once Serve started.
func (s *Server) Addr() net.Addr {
	<-s.ready
	return s.ln.Addr()
}

// loadSecret returns ConnectionSecret, or the secret generated on first
// start and kept in DataPath (copy it to the other servers' settings).
func (s *Server) loadSecret() ([]byte, error) {
	if v := s.set.String(catalog.SettingConnectionSecret); v != "" {
		return []byte(v), nil
	}
	p := filepath.Join(s.dataPath, "connection.secret")
	if b, err := os.ReadFile(p); err == nil && len(strings.TrimSpace(string(b))) > 0 {
		return []byte(strings.TrimSpace(string(b))), nil
	}
	var b [24]byte
	rand.Read(b[:])
	v := hex.EncodeToString(b[:])
	if err := os.MkdirAll(s.dataPath, 0o700); err != nil {
		return nil, fmt.Errorf("connection secret: %w", err)
	}
	if err := os.WriteFile(p, []byte(v+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("connection secret: %w", err)
	}
	return []byte(v), nil
}

func (s *Server) bindKernel() {
	k := s.reg.Kernel
	k.SetText(catalog.StatStartTime, s.start.Format(time.ANSIC))
	k.Counter(catalog.StatSourceState).Store(2) // running, with change capture
	k.Counter(catalog.StatTargetState).Store(1)
	k.SetFunc(catalog.StatConnectionCount, func() int64 {
		s.mu.Lock()
		defer s.mu.Unlock()
		return int64(len(s.ids))
	})
	k.SetFunc(catalog.StatIQAllocatorTotalBytes, s.queuedBytes)
	k.SetFunc(catalog.StatCurrentMemoryUsage, s.queuedBytes)
	k.SetFunc(catalog.StatDoubleTakeQueueMemoryUsage, s.queuedBytes)
}

// queuedBytes is the memory the source queues hold.
func (s *Server) queuedBytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, j := range s.jobs {
		if j.conn != nil {
			c := j.conn.Queue()
			n += c.BytesInRepQueue + c.BytesInMirQueue + c.BytesInAckQueue
		}
	}
	return n
}

// Serve runs the server until ctx ends: the target listener, then every
// job that was started when the server last stopped.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		addr := net.JoinHostPort("", strconv.Itoa(int(s.set.Int(catalog.SettingPort))))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return catalog.Wrap(catalog.CodeInvalidParameter, err, "Port %d", s.set.Int(catalog.SettingPort))
		}
		s.ln = ln
	}
	// Jobs that were started when the server stopped start again
	// (AutoReconnect), before the management API can change anything.
	s.mu.Lock()
	s.ctx = ctx
	if s.set.Int(catalog.SettingAutoReconnect) != 0 {
		for _, j := range s.jobs {
			if !j.Enabled {
				continue
			}
			if err := s.startable(j.Spec); err != nil {
				j.refused = err.Error()
				s.log.Error("job not started: it breaks a rule jobs are created under", "job", j.Spec.Name, "err", err)
				continue
			}
			s.startLocked(j, source.MirrorDiffMode)
		}
	}
	s.mu.Unlock()
	close(s.ready)
	s.hub.Raise(catalog.EventDoubleTake4000, events.Context{})
	s.hub.Raise(catalog.EventDoubleTake4002, events.Context{})

	var wg sync.WaitGroup
	wg.Add(1)
	var terr error
	go func() {
		defer wg.Done()
		terr = s.target.Serve(ctx, s.ln)
	}()
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.failover.Run(ctx)
	}()

	<-ctx.Done()
	s.mu.Lock()
	var done []chan struct{}
	for _, j := range s.jobs {
		if j.cancel != nil {
			j.cancel()
			done = append(done, j.done)
		}
	}
	s.mu.Unlock()
	for _, d := range done {
		<-d
	}
	wg.Wait()
	s.hub.Raise(catalog.EventDoubleTake4003, events.Context{})
	s.hub.Raise(catalog.EventDoubleTake4005, events.Context{})
	if terr != nil && !errors.Is(terr, net.ErrClosed) {
		return terr
	}
	return nil
}

// Catalog is the server's catalog.
func (s *Server) Catalog() *catalog.Catalog { return s.cat }

// Snapshot copies every statistics block.
func (s *Server) Snapshot() stats.Snapshot { return s.reg.Snapshot() }

// Subscribe subscribes to the server's events.
func (s *Server) Subscribe(size int, filter func(events.Event) bool) *events.Subscription {
	return s.hub.Subscribe(size, filter)
}

// ServerName is the server's name.
func (s *Server) ServerName() string { return s.name }
