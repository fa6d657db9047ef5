package main

import (
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/spf13/pflag"
)

// configPath is the --config flag. Empty means settings.DefaultPath():
// $DTREP_CONFIG, else /etc/dtrep/dtrep.yaml for root, else
// $XDG_CONFIG_HOME/dtrep/dtrep.yaml.
var configPath string

// addConfigFlag adds --config, the settings file a command reads.
func addConfigFlag(pf *pflag.FlagSet) {
	pf.StringVar(&configPath, "config", "",
		"settings file (default $"+settings.ConfigEnv+", "+settings.SystemConfigPath+
			" as root, else $XDG_CONFIG_HOME/dtrep/dtrep.yaml)")
}

// openSettings opens the settings Store on the --config file.
func openSettings() (*settings.Store, error) {
	return settings.Open(configPath)
}
