//go:build windows

package perfmon

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// SystemInstaller registers the running dtrep.exe: the manifest goes
// beside it, lodctr and unlodctr run from the system's path.
func SystemInstaller() (Installer, error) {
	exe, err := os.Executable()
	if err != nil {
		return Installer{}, fmt.Errorf("perfmon: locating dtrep.exe: %w", err)
	}
	return Installer{
		Dir: filepath.Dir(exe),
		Run: func(name string, args ...string) ([]byte, error) { return exec.Command(name, args...).CombinedOutput() },
		Elevated: func() (bool, error) {
			return windows.GetCurrentProcessToken().IsElevated(), nil
		},
	}, nil
}
