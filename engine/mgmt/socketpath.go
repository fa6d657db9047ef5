package mgmt

import (
	"os"
	"path/filepath"
)

// Where clients find the server without being told: the environment, else
// the system socket for root and the per-user runtime directory for
// everyone else. dtrep's --socket and the DTStat and LogViewer utilities
// all follow it.
const (
	SocketEnv    = "DTREP_SOCKET"
	TokenEnv     = "DTREP_TOKEN"
	CAFileEnv    = "DTREP_CACERT" // PEM roots that sign a TCP listener's certificate
	SystemSocket = "/run/dtrep/dtrep.sock"
)

// DefaultSocket is $DTREP_SOCKET, else SystemSocket for root, else
// $XDG_RUNTIME_DIR/dtrep/dtrep.sock (SystemSocket again without a runtime
// directory).
func DefaultSocket() string {
	if s := os.Getenv(SocketEnv); s != "" {
		return s
	}
	if os.Geteuid() != 0 {
		if dir := os.Getenv("XDG_RUNTIME_DIR"); dir != "" {
			return filepath.Join(dir, "dtrep", "dtrep.sock")
		}
	}
	return SystemSocket
}
