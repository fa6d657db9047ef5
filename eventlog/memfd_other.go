//go:build !linux

package eventlog

import (
	"errors"
	"net"
)

// sendMemfd exists on Linux only, the one system with journald.
func sendMemfd(*net.UnixConn, []byte) error {
	return errors.New("record too large for a datagram")
}
