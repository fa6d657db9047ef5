package main

import (
	"context"
	"log/slog"

	"golang.org/x/sys/windows/registry"

	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/packs/scom"
)

// recordProductVersion records the running version where the SCOM packs
// discover dtrep servers (HKLM\SOFTWARE\dtrep, value ProductVersion), so
// an upgraded server shows its new version at the next discovery. Without
// the right to write there (not run as an administrator or LocalSystem) the
// server still runs; SCOM just does not find it.
func recordProductVersion(*server.Server, settings.Reader) (func(context.Context) error, error) {
	k, _, err := registry.CreateKey(registry.LOCAL_MACHINE, scom.RegistryKey, registry.SET_VALUE)
	if err == nil {
		err = k.SetStringValue(scom.RegistryValue, server.ProductVersion())
		k.Close()
	}
	if err != nil {
		slog.Warn("product version not recorded for SCOM discovery: run dtrep serve as LocalSystem or an administrator",
			"key", `HKLM\`+scom.RegistryKey, "err", err)
	}
	return nil, nil
}
