package snmp

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/exporters"
	"github.com/dtrep/dtrep/mib"
	"github.com/dtrep/dtrep/snmp/agentx"
	"github.com/posteo/go-agentx/value"
)

// Options assemble a sub-agent.
type Options struct {
	Engine exporters.Engine
	Config Config
	Log    *slog.Logger
	// Refresh is how often the served values are rebuilt from an engine
	// snapshot (default 1s).
	Refresh time.Duration
	// Grace is how long Run goes on after its context ends to send the
	// traps of the server's own shutdown (default 3s).
	Grace time.Duration
}

// SubAgent serves DT-MIB over AgentX and sends the dttrap* traps.
type SubAgent struct {
	eng     exporters.Engine
	cfg     Config
	log     *slog.Logger
	refresh time.Duration
	grace   time.Duration
	start   time.Time

	layout  *mib.Layout
	handler *handler
	agent   *agentx.Agent
	traps   *trapMap
	sub     *events.Subscription // nil when no trap is sent
	paths   []*outbox
	events  atomic.Uint64 // events that sent a trap
}

// New prepares a sub-agent and subscribes to the engine's events at once,
// so the traps of the server's first events are not missed.
func New(opts Options) (*SubAgent, error) {
	s := &SubAgent{eng: opts.Engine, cfg: opts.Config, log: opts.Log, refresh: opts.Refresh,
		grace: opts.Grace, start: time.Now(), handler: &handler{}}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.refresh <= 0 {
		s.refresh = time.Second
	}
	if s.grace <= 0 {
		s.grace = 3 * time.Second
	}
	var err error
	if s.layout, err = mib.Build(s.eng.Catalog(), s.cfg.Base); err != nil {
		return nil, err
	}
	s.rebuild()
	base := value.OID(s.cfg.Base)
	s.agent = agentx.New(agentx.Config{Network: s.cfg.AgentXNetwork, Address: s.cfg.AgentXAddress,
		ID: base, Description: "dtrep sub-agent (" + mib.ModuleName + ")", Subtrees: []value.OID{base},
		Priority: 127, Handler: s.handler, Log: s.log})
	s.traps = newTrapMap(s.eng.Catalog(), s.layout)
	if s.cfg.agentX() {
		s.paths = append(s.paths, newOutbox("agentx", s.log, sendAgentX(s.agent)))
	}
	if s.cfg.direct() {
		for _, d := range s.cfg.Destinations {
			ds, err := newDirectSender(s.cfg, d, s.start)
			if err != nil {
				return nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "SNMPTrapDestinations")
			}
			s.paths = append(s.paths, newOutbox(d, s.log, ds.send))
		}
	}
	if len(s.paths) > 0 {
		s.sub = s.eng.Subscribe(1024, s.traps.wants)
	}
	return s, nil
}

// Layout is the MIB layout the sub-agent serves.
func (s *SubAgent) Layout() *mib.Layout { return s.layout }

// rebuild replaces the served table with one from a fresh snapshot.
func (s *SubAgent) rebuild() {
	s.handler.cur.Store(buildTable(s.layout, s.eng.Snapshot(), time.Now()))
}

// Run serves until ctx ends, then goes on for the grace period to send the
// traps of the server's shutdown (kernel stopped) before closing the
// AgentX session.
func (s *SubAgent) Run(ctx context.Context) error {
	life, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	spawn := func(f func(context.Context)) {
		wg.Add(1)
		go func() { defer wg.Done(); f(life) }()
	}
	spawn(s.refresher)
	spawn(func(c context.Context) { s.agent.Serve(c) })
	for _, p := range s.paths {
		spawn(p.run)
	}
	if s.sub != nil {
		defer s.sub.Close()
		s.dispatch(ctx, false)
		grace, cancel := context.WithTimeout(life, s.grace)
		s.dispatch(grace, true)
		s.settle(grace)
		cancel()
	} else {
		<-ctx.Done()
	}
	stop()
	wg.Wait()
	return nil
}

// refresher rebuilds the served table every refresh period while a
// session with the master is registered, and at once when one is: without
// a master nobody reads the table, and a server with SNMP enabled but no
// snmpd should not copy a thousand connection blocks a second for nothing.
func (s *SubAgent) refresher(ctx context.Context) {
	t := time.NewTicker(s.refresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.agent.Ready():
		}
		s.rebuild()
		for registered := true; registered; {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				select {
				case <-s.agent.Ready():
					s.rebuild()
				default:
					registered = false
				}
			}
		}
	}
}

// kernelStopped is the last event a server raises (Double-Take 4005).
var kernelStopped = catalog.EventKey{Source: events.SourceEngine, ID: 4005}

// dispatch turns events into traps until ctx ends or, when untilStopped,
// the kernel-stopped event has been dispatched.
func (s *SubAgent) dispatch(ctx context.Context, untilStopped bool) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-s.sub.C():
			n, ok := s.traps.lookup(ev)
			if !ok {
				continue
			}
			s.events.Add(1)
			s.put(trapFor(s.layout, n, ev))
			if untilStopped && (catalog.EventKey{Source: ev.Source, ID: ev.ID}) == kernelStopped {
				return
			}
		}
	}
}

func (s *SubAgent) put(t trap) {
	for _, p := range s.paths {
		p.put(t)
	}
}

// settle waits until every path has sent what it holds, or ctx ends.
func (s *SubAgent) settle(ctx context.Context) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		busy := false
		for _, p := range s.paths {
			busy = busy || p.pending.Load() > 0
		}
		if !busy {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sendTrap sends the notification name for ev on every path, whether or
// not ev raises it. It is the test hook for the traps no test can cause
// for real; nothing outside the package's tests calls it.
func (s *SubAgent) sendTrap(name string, ev events.Event) error {
	n, ok := s.layout.Notification(name)
	if !ok {
		return fmt.Errorf("no notification %s", name)
	}
	s.put(trapFor(s.layout, n, ev))
	return nil
}

// Stats are the sub-agent's own counters.
type Stats struct {
	Sessions uint64 // AgentX sessions registered (one more per reconnection)
	Requests uint64 // master requests answered
	Events   uint64 // events that sent a trap
	Paths    []PathStats
}

// PathStats count one trap path's notifications.
type PathStats struct {
	Path                  string
	Sent, Failed, Dropped uint64
}

// Stats returns the sub-agent's counters.
func (s *SubAgent) Stats() Stats {
	st := Stats{Sessions: s.agent.Sessions(), Requests: s.agent.Requests(), Events: s.events.Load()}
	for _, p := range s.paths {
		st.Paths = append(st.Paths, PathStats{Path: p.name, Sent: p.sent.Load(), Failed: p.failed.Load(),
			Dropped: p.dropped.Load()})
	}
	return st
}
