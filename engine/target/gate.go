package target

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/events"
	"github.com/dtrep/dtrep/engine/wire"
)

// Bounds on peers that have not proved themselves yet. Each pending
// handshake holds a goroutine, a socket and at most a read buffer plus
// wire.HandshakeMaxPayload (under 100 KiB), so the caps bound what anyone
// who can reach the port makes the target allocate (maxPending: about
// 25 MB); the per-address cap and rate keep one address from filling the
// global cap and locking real sources out.
const (
	handshakeTimeout  = 10 * time.Second
	maxPending        = 256
	maxPendingPerHost = 8
	hostRate          = 10 // new connections a second per address, after a burst of hostBurst
	hostBurst         = 40
	maxHostLimiters   = 4096 // addresses remembered for the rate; past it, forgotten all at once
)

// errTooManyPending refuses a connection over the caps, before any byte of
// it is read.
var errTooManyPending = errors.New("too many connections still proving themselves")

// gate admits connections to the handshake and keeps refusals from
// flooding the log.
type gate struct {
	mu      sync.Mutex
	pending int
	byHost  map[string]int
	rates   map[string]*rate.Limiter

	logs       *rate.Limiter // refusal log lines: a burst, then one a second
	suppressed atomic.Int64  // refusals counted but not logged since the last line
}

func newGate() *gate {
	return &gate{byHost: map[string]int{}, rates: map[string]*rate.Limiter{}, logs: rate.NewLimiter(1, 20)}
}

// enter reserves a handshake slot for host; false means refuse it now.
func (g *gate) enter(host string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pending >= maxPending || g.byHost[host] >= maxPendingPerHost {
		return false
	}
	lim := g.rates[host]
	if lim == nil {
		if len(g.rates) >= maxHostLimiters {
			clear(g.rates)
		}
		lim = rate.NewLimiter(hostRate, hostBurst)
		g.rates[host] = lim
	}
	if !lim.Allow() {
		return false
	}
	g.pending++
	g.byHost[host]++
	return true
}

// leave releases the slot enter reserved.
func (g *gate) leave(host string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.pending--
	if g.byHost[host]--; g.byHost[host] <= 0 {
		delete(g.byHost, host)
	}
}

// refused accounts for a connection that ended before it was admitted.
// Everything but a refusal the target chose with a code of its own (the
// target path is not allowed, the module is stopped) counts as a failed
// login: a wrong proof, garbage, a frame too large, a peer too slow, one
// connection too many.
func (m *Module) refused(addr net.Addr, err error) {
	if catalog.CodeOf(err) == 0 || errors.Is(err, wire.ErrAuthFailed) {
		m.failed.Add(1)
	}
	if errors.Is(err, wire.ErrBadChecksum) {
		m.cfg.Hub.Raise(catalog.EventDoubleTake4071, events.Context{Peer: addr.String()})
	}
	if !m.gate.logs.Allow() {
		m.gate.suppressed.Add(1)
		return
	}
	m.cfg.Log.Warn("source refused", "remote", addr, "err", err, "unlogged refusals before", m.gate.suppressed.Swap(0))
}
