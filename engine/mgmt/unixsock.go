//go:build unix

package mgmt

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// ServeUnix serves the API on a unix socket at path until ctx is done.
// Callers are identified by their kernel credentials. A stale socket file is
// replaced; a live one (another server answering) is an error.
func (s *Server) ServeUnix(ctx context.Context, path string) error {
	if err := prepareSocketPath(path); err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "unix", path)
	if err != nil {
		return fmt.Errorf("management API: %w", err)
	}
	// The file appears with umask-derived bits before the chmod; that
	// window is harmless because every connection's credentials are
	// checked anyway.
	if err := os.Chmod(path, platformSocketMode(s.opts.SocketMode)); err != nil {
		_ = ln.Close()
		return fmt.Errorf("management API: %w", err)
	}
	s.chownToAdminGroup(path)
	s.listening("unix", ln.Addr())
	srv := s.httpServer(s.authenticate(s.unixAuth, "", s.api),
		func(ctx context.Context, c net.Conn) context.Context {
			cs := &connState{}
			cs.peer, cs.peerErr = readPeerCred(c)
			return withConnState(ctx, cs)
		})
	return serve(ctx, srv, ln)
}

// unixAuth derives the role from the peer's credentials once per connection.
func (s *Server) unixAuth(cs *connState, _ *http.Request) (role, string) {
	cs.roleOnce.Do(func() {
		if cs.peerErr != nil {
			cs.role, cs.why = roleNone, "cannot read the caller's credentials: "+cs.peerErr.Error()
			return
		}
		cs.role, cs.why = s.roleOfPeer(cs.peer)
	})
	return cs.role, cs.why
}

// prepareSocketPath creates the socket's directory and removes a stale socket
// left by a server that did not shut down cleanly. It never removes anything
// that is not a socket, and never a socket someone still answers on.
func prepareSocketPath(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("management API: %w", err)
	}
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("management API: %w", err)
	}
	if fi.Mode()&fs.ModeSocket == 0 {
		return catalog.Err(catalog.CodeInvalidParameter, "management socket %s exists and is not a socket", path)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		_ = c.Close()
		return catalog.Err(111, "another server is answering on %s", path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("management API: removing stale socket: %w", err)
	}
	return nil
}

// chownToAdminGroup gives the socket to the admin group so its members can
// connect through narrowed (0660) bits. A missing group is normal (root-only use);
// a failed chown is logged, not fatal: root can still connect.
func (s *Server) chownToAdminGroup(path string) {
	g, err := user.LookupGroup(s.opts.AdminGroup)
	if err != nil {
		return
	}
	gid, err := strconv.Atoi(g.Gid)
	if err != nil {
		return
	}
	if err := os.Chown(path, -1, gid); err != nil {
		s.opts.Log.Warn("management socket: cannot give it to the admin group", "group", s.opts.AdminGroup, "err", err)
	}
}
