//go:build unix && !linux

package mgmt

import (
	"net"
	"os"
)

// peerCred is empty here: this build does not read unix socket peer
// credentials (SO_PEERCRED is Linux's).
type peerCred struct{}

func readPeerCred(net.Conn) (peerCred, error) { return peerCred{}, nil }

// platformSocketMode makes the socket owner-only: without peer credentials
// the file's permission bits are the only gate, so only the server's own user
// can connect.
func platformSocketMode(os.FileMode) os.FileMode { return 0o600 }

// roleOfPeer can only rely on the socket being owner-only: the caller is the
// server's user, and only root counts as an administrator. Everyone else is
// refused.
func (s *Server) roleOfPeer(peerCred) (role, string) {
	if os.Geteuid() == 0 {
		return roleAdmin, ""
	}
	return roleNone, "caller credentials are not available on this system: only root may use the management socket"
}
