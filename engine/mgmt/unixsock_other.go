//go:build !unix

package mgmt

import (
	"context"
	"runtime"

	"github.com/dtrep/dtrep/engine/catalog"
)

// ServeUnix is not available here: there is no portable way to learn a unix
// socket caller's identity on this system. Use ServeTCP.
func (s *Server) ServeUnix(ctx context.Context, path string) error {
	return catalog.Err(170, "management unix socket %s on %s: use the TCP listener", path, runtime.GOOS)
}

// peerCred is empty: no unix socket callers here.
type peerCred struct{}
