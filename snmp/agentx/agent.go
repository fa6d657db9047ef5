package agentx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	agentx "github.com/posteo/go-agentx"
	"github.com/posteo/go-agentx/pdu"
	"github.com/posteo/go-agentx/value"
)

// Config describes a sub-agent.
type Config struct {
	Network string // "unix" or "tcp"
	Address string // socket path or HOST:PORT
	// ID and Description identify the sub-agent in its Open-PDU.
	ID          value.OID
	Description string
	// Subtrees are registered at Priority once the session is open.
	Subtrees []value.OID
	Priority byte
	Handler  agentx.Handler
	// Timeout bounds each exchange with the master (dial, a response to
	// our PDUs); the master is told to wait as long for our answers.
	Timeout time.Duration
	// MinBackoff and MaxBackoff bound the wait between reconnections.
	MinBackoff, MaxBackoff time.Duration
	// PingInterval is how long a quiet session waits before pinging the
	// master, so a hung master is noticed too.
	PingInterval time.Duration
	Log          *slog.Logger
}

func (c *Config) defaults() {
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Second
	}
	if c.MinBackoff <= 0 {
		c.MinBackoff = 250 * time.Millisecond
	}
	if c.MaxBackoff < c.MinBackoff {
		c.MaxBackoff = max(c.MinBackoff, 5*time.Second)
	}
	if c.PingInterval <= 0 {
		c.PingInterval = 15 * time.Second
	}
	if c.Log == nil {
		c.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
}

// Agent is a sub-agent that keeps a session with the master agent open.
type Agent struct {
	cfg Config

	mu      sync.Mutex
	cur     *conn         // the registered session, nil while there is none
	readyCh chan struct{} // closed while cur is set

	sessions atomic.Uint64 // sessions registered since start
	requests atomic.Uint64 // master requests answered
}

// New returns an agent; Serve runs it.
func New(cfg Config) *Agent {
	cfg.defaults()
	return &Agent{cfg: cfg, readyCh: make(chan struct{})}
}

// ErrNotConnected is returned by Notify while no session is registered.
var ErrNotConnected = errors.New("agentx: no session with the master agent")

// Ready returns a channel closed while a session is registered.
func (a *Agent) Ready() <-chan struct{} {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.readyCh
}

// Sessions is the number of sessions registered since the agent started:
// one more after each reconnection.
func (a *Agent) Sessions() uint64 { return a.sessions.Load() }

// Requests is the number of master requests answered.
func (a *Agent) Requests() uint64 { return a.requests.Load() }

// Serve keeps a registered session with the master until ctx ends,
// reconnecting after any failure with a growing pause. It returns nil when
// ctx ends: an absent master is not an error of the server.
func (a *Agent) Serve(ctx context.Context) error {
	backoff := a.cfg.MinBackoff
	var lastErr string
	for ctx.Err() == nil {
		err := a.session(ctx)
		if ctx.Err() != nil {
			break
		}
		if msg := err.Error(); msg != lastErr {
			// One line per kind of outage, not one per retry.
			a.cfg.Log.Warn("AgentX session with the SNMP agent lost; reconnecting",
				"address", a.cfg.Address, "err", err)
			lastErr = msg
		}
		if errors.Is(err, errRegistered) {
			backoff, lastErr = a.cfg.MinBackoff, ""
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		backoff = min(2*backoff, a.cfg.MaxBackoff)
	}
	return nil
}

// errRegistered wraps the end of a session that had been registered, so
// the next attempt starts with the shortest pause.
var errRegistered = errors.New("session ended")

// session dials, opens, registers and serves one session until it fails.
func (a *Agent) session(ctx context.Context) error {
	d := net.Dialer{Timeout: a.cfg.Timeout}
	nc, err := d.DialContext(ctx, a.cfg.Network, a.cfg.Address)
	if err != nil {
		return fmt.Errorf("dialing: %w", err)
	}
	c := newConn(nc, a.cfg.Timeout, a.serve)
	defer c.fail(errors.New("agentx: session closed"))
	go c.readLoop()
	if err := a.open(ctx, c); err != nil {
		return err
	}
	for _, st := range a.cfg.Subtrees {
		reg := &pdu.Register{}
		reg.Timeout.Duration, reg.Timeout.Priority = a.cfg.Timeout, a.cfg.Priority
		reg.Subtree.SetIdentifier(st)
		if _, err := c.request(ctx, reg); err != nil {
			// 263 (duplicateRegistration) while the master still holds a
			// stale session of ours: the retry after the pause succeeds.
			return fmt.Errorf("registering %s: %w", st, err)
		}
	}
	a.sessions.Add(1)
	a.setCurrent(c)
	a.cfg.Log.Info("AgentX session registered", "address", a.cfg.Address, "session", c.sessionID.Load())
	defer a.setCurrent(nil)
	err = a.watch(ctx, c)
	return fmt.Errorf("%w: %w", errRegistered, err)
}

func (a *Agent) open(ctx context.Context, c *conn) error {
	open := &pdu.Open{}
	open.Timeout.Duration = a.cfg.Timeout
	open.ID.SetIdentifier(a.cfg.ID)
	open.Description.Text = a.cfg.Description
	r, err := c.request(ctx, open)
	if err != nil {
		return fmt.Errorf("opening: %w", err)
	}
	c.sessionID.Store(r.SessionID)
	return nil
}

// watch waits for the session's end, pinging a quiet master; when ctx ends
// it closes the session politely.
func (a *Agent) watch(ctx context.Context, c *conn) error {
	tick := time.NewTicker(a.cfg.PingInterval / 2)
	defer tick.Stop()
	for {
		select {
		case <-c.done:
			return c.err
		case <-ctx.Done():
			cctx, cancel := context.WithTimeout(context.Background(), a.cfg.Timeout)
			_, _ = c.request(cctx, &pdu.Close{Reason: pdu.ReasonShutdown})
			cancel()
			return ctx.Err()
		case <-tick.C:
			if time.Since(time.Unix(0, c.lastRx.Load())) < a.cfg.PingInterval {
				continue
			}
			if _, err := c.request(ctx, pingPacket{}); err != nil && ctx.Err() == nil {
				c.fail(fmt.Errorf("ping: %w", err))
			}
		}
	}
}

func (a *Agent) setCurrent(c *conn) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c != nil {
		a.cur = c
		close(a.readyCh)
		return
	}
	a.cur = nil
	a.readyCh = make(chan struct{})
}

// Notify sends a notification through the master: snmpTrapOID.0 with
// trapOID, then vars. The master forwards it to its trap destinations.
func (a *Agent) Notify(ctx context.Context, trapOID value.OID, vars pdu.Variables) error {
	a.mu.Lock()
	c := a.cur
	a.mu.Unlock()
	if c == nil {
		return ErrNotConnected
	}
	n := &notifyPacket{}
	n.vars.Add(snmpTrapOID, pdu.VariableTypeObjectIdentifier, trapOID.String())
	n.vars = append(n.vars, vars...)
	if _, err := c.request(ctx, n); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}
