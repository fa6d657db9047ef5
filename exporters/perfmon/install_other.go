//go:build !windows

package perfmon

import "github.com/dtrep/dtrep/engine/catalog"

// SystemInstaller exists on Windows only: elsewhere there is no
// Performance Monitor to register with.
func SystemInstaller() (Installer, error) {
	return Installer{}, catalog.Err(catalog.CodeInvalidCommand,
		"Performance Monitor counters are registered on Windows: run `dtrep perfmon install` there "+
			"(`dtrep perfmon manifest` prints the counters manifest here)")
}
