package mgmt

import (
	"log/slog"
	"net"
	"os"
)

// Default group names: the reference's Double-Take Admin and Double-Take
// Monitors security groups, as unix group names.
const (
	DefaultAdminGroup   = "dtadmin"
	DefaultMonitorGroup = "dtmon"
)

// DefaultSocketMode lets the owner (root) and the socket's group (the admin
// group) connect. Peer credentials are checked on every connection anyway, so
// a deployment that wants monitors to connect may widen it (0666).
const DefaultSocketMode os.FileMode = 0o660

// Options tune a Server. The zero value is usable.
type Options struct {
	// AdminGroup members may read and change; empty means DefaultAdminGroup.
	AdminGroup string
	// MonitorGroup members may only read; empty means DefaultMonitorGroup.
	MonitorGroup string
	// SocketMode is the unix socket file's permission bits; 0 means
	// DefaultSocketMode.
	SocketMode os.FileMode
	// Listening, when set, is told the address each listener is bound to
	// (useful with port 0 and for the server's startup log line).
	Listening func(network string, addr net.Addr)
	// Log receives refused logins and internal errors; nil discards them.
	Log *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.AdminGroup == "" {
		o.AdminGroup = DefaultAdminGroup
	}
	if o.MonitorGroup == "" {
		o.MonitorGroup = DefaultMonitorGroup
	}
	if o.SocketMode == 0 {
		o.SocketMode = DefaultSocketMode
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return o
}
