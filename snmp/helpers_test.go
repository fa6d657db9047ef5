package snmp

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/status"
	"github.com/dtrep/dtrep/exporters"
	"github.com/dtrep/dtrep/mib"
)

// fakeEngine is an exporters.Engine over a bare statistics registry and
// event hub, for tests that need no replication.
type fakeEngine struct {
	cat *catalog.Catalog
	reg *stats.Registry
	hub *events.Hub
}

var _ exporters.Engine = (*fakeEngine)(nil)

func newFakeEngine() *fakeEngine {
	cat := catalog.Must()
	return &fakeEngine{cat: cat, reg: stats.NewRegistry(), hub: events.NewHub(cat)}
}

func (f *fakeEngine) Catalog() *catalog.Catalog { return f.cat }
func (f *fakeEngine) Snapshot() stats.Snapshot  { return f.reg.Snapshot() }
func (f *fakeEngine) Subscribe(size int, filter func(events.Event) bool) *events.Subscription {
	return f.hub.Subscribe(size, filter)
}
func (f *fakeEngine) ServerName() string        { return "fake" }
func (f *fakeEngine) Status() status.Snapshot   { return status.Snapshot{} }
func (f *fakeEngine) HubStats() events.HubStats { return f.hub.Stats() }

func defaultBase(t testing.TB) mib.OID {
	t.Helper()
	b, err := mib.ParseEnterprise(mib.DefaultEnterprise(catalog.Must()))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// runSubAgent starts a sub-agent and stops it, waiting for Run to return,
// when the test ends.
func runSubAgent(t testing.TB, eng exporters.Engine, cfg Config) *SubAgent {
	t.Helper()
	a, err := New(Options{Engine: eng, Config: cfg, Refresh: 100 * time.Millisecond, Grace: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); a.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("sub-agent did not stop")
		}
	})
	return a
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not after %s", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tcpProxy forwards a fixed loopback address to a target; down cuts every
// connection and refuses new ones until up, as a network outage would.
type tcpProxy struct {
	t      testing.TB
	addr   string
	target string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newTCPProxy(t testing.TB, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target}
	p.up()
	t.Cleanup(p.down)
	return p
}

func (p *tcpProxy) up() {
	p.t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ { // the old socket may linger a moment
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			u, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, u)
			p.mu.Unlock()
			go func() { io.Copy(u, c); u.Close() }()
			go func() { io.Copy(c, u); c.Close() }()
		}
	}()
}

func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}
