package mgmt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Timeouts of the HTTP servers. Reading a request is bounded so a silent or
// trickling client cannot hold a connection (and a login) forever; handlers
// are not, because a Manager call such as a mirror start may legitimately take
// a while.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second // headers and a body of at most maxBodyBytes
	idleTimeout       = 2 * time.Minute
	shutdownGrace     = 5 * time.Second
)

func (s *Server) httpServer(h http.Handler, connContext func(context.Context, net.Conn) context.Context) *http.Server {
	return &http.Server{
		Handler:           h,
		ConnContext:       connContext,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.opts.Log.Handler(), slog.LevelWarn),
	}
}

func (s *Server) listening(network string, addr net.Addr) {
	if s.opts.Listening != nil {
		s.opts.Listening(network, addr)
	}
}

// serve runs srv on ln until ctx is done, then lets requests in flight finish
// for a short grace period. A shutdown asked for by ctx is not an error.
func serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("management API on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close() // grace expired: drop what is left
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("management API on %s: %w", ln.Addr(), err)
	}
	return nil
}
