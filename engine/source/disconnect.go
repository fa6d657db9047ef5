package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// errNoData ends a session whose target sent nothing for NetworkTimeout:
// the target, or the network to it, is gone.
var errNoData = errors.New("no data from the target")

// disconnectReason words why a session ended, for event 4007 ("...
// due to %5") and the connection's last error. The reference names the
// causes: a lost network or an unreachable target, a restarted target, a
// full disk-based queue, an error of the queue log.
func disconnectReason(err error) string {
	var oe overflowError
	var te targetError
	switch {
	case err == nil:
		return "a network error"
	case errors.As(err, &oe):
		return oe.why.String()
	case errors.Is(err, errNoData):
		var nd noDataError
		if errors.As(err, &nd) {
			return fmt.Sprintf("the target is unreachable (no data from it for %s, NetworkTimeout)", nd.after)
		}
		return "the target is unreachable"
	case errors.As(err, &te):
		return "the target reported an error: " + humanCause(te.err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "the target server has restarted or closed the connection"
	}
	return humanCause(err)
}

// noDataError is the keep-alive's verdict: nothing arrived for after.
type noDataError struct{ after time.Duration }

func (e noDataError) Error() string {
	return fmt.Sprintf("no data from the target for %s (NetworkTimeout)", e.after)
}

func (e noDataError) Is(target error) bool { return target == errNoData }

// targetError is an error the target sent for the whole session.
type targetError struct{ err error }

func (e targetError) Error() string { return "target reported: " + e.err.Error() }
func (e targetError) Unwrap() error { return e.err }

// keepAlive pings at 1/6 of NetworkTimeout, as the reference describes, and
// fails the session when nothing at all arrives for NetworkTimeout. The
// silence is judged before each ping and the ping is sent on its own
// goroutine: with the network cut, a send stuck in a full socket buffer
// must not stop the check that ends it.
func (c *Connection) keepAlive(ctx context.Context, s *session) {
	timeout := time.Duration(max(1, c.cfg.Settings.Int(catalog.SettingNetworkTimeout))) * time.Second
	tick := timeout / 6
	t := time.NewTicker(tick)
	defer t.Stop()
	last := s.c.Counters().FramesRecv.Load()
	quiet := time.Duration(0)
	var id uint64
	var pinging atomic.Bool
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if n := s.c.Counters().FramesRecv.Load(); n != last {
			last, quiet = n, 0
		} else if quiet += tick; quiet >= timeout {
			s.fail(noDataError{after: timeout})
			return
		}
		if pinging.Swap(true) {
			continue // the last ping is still waiting to be written
		}
		id++
		go func(id uint64) {
			defer pinging.Store(false)
			if err := s.c.Send(&wire.Ping{ID: id}); err != nil {
				s.fail(fmt.Errorf("keep-alive: %w", err))
			}
		}(id)
	}
}
