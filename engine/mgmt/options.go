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

// DefaultSocketMode lets every local user connect: the server decides each
// request from the caller's kernel credentials (root and the admin group
// may change, the monitor group may read, anyone else is refused with 138),
// so members of either group reach it whatever group owns the file. A
// deployment that wants the kernel to keep everyone else out as well may
// narrow it (0660 and the admin group), at the cost of monitors; a caller
// the bits keep out is told 138 too.
const DefaultSocketMode os.FileMode = 0o666

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
