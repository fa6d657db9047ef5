package settings

import (
	"fmt"
	"os"
	"path/filepath"
)

// ConfigEnv names the environment variable that overrides the default
// configuration file path.
const ConfigEnv = "DTREP_CONFIG"

// SystemConfigPath is the configuration file of a service running as root.
const SystemConfigPath = "/etc/dtrep/dtrep.yaml"

// DefaultPath returns the configuration file to use when none is given:
// $DTREP_CONFIG, else /etc/dtrep/dtrep.yaml for root, else
// $XDG_CONFIG_HOME/dtrep/dtrep.yaml.
func DefaultPath() (string, error) {
	if p := os.Getenv(ConfigEnv); p != "" {
		return p, nil
	}
	if os.Geteuid() == 0 {
		return SystemConfigPath, nil
	}
	// os.UserConfigDir applies the XDG rule: $XDG_CONFIG_HOME, falling
	// back to $HOME/.config.
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("settings: config path: %w", err)
	}
	return filepath.Join(dir, "dtrep", "dtrep.yaml"), nil
}
