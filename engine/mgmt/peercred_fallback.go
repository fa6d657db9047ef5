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

// roleOfPeer relies on the owner-only socket: only root and the server's own
// user can have connected, and both are administrators (as on Linux). Group
// members are refused by the file's bits before they get here.
func (s *Server) roleOfPeer(peerCred) (role, string) {
	return roleAdmin, ""
}
