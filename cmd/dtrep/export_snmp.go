package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/mib"
	"github.com/dtrep/dtrep/snmp"
	"github.com/spf13/cobra"
)

// snmpCommand builds `dtrep snmp`.
func snmpCommand() *cobra.Command {
	// dtrep snmp mib: the MIB under the configured SNMPEnterpriseOID, for
	// the managers of a server whose enterprise OID is not the default.
	snmpCmd := &cobra.Command{Use: "snmp", Short: "SNMP sub-agent tools"}
	snmpCmd.AddCommand(&cobra.Command{
		Use:   "mib",
		Short: "Print " + mib.FileName + " (" + mib.ModuleName + ") for the configured SNMPEnterpriseOID",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openSettings()
			if err != nil {
				return err
			}
			b, err := mib.Generate(catalog.Must(), st.String(catalog.SettingSNMPEnterpriseOID))
			if err != nil {
				return err
			}
			_, err = os.Stdout.Write(b)
			return err
		},
	})
	return snmpCmd
}

// startSNMP runs the SNMP sub-agent when SNMPEnabled is set; the other
// SNMP settings are only read (and refused when wrong) then.
func startSNMP(srv *server.Server, st settings.Reader) (func(ctx context.Context) error, error) {
	if st.Int(catalog.SettingSNMPEnabled) == 0 {
		return nil, nil
	}
	cfg, err := snmp.ConfigFrom(st, srv.ServerName())
	if err != nil {
		return nil, err
	}
	a, err := snmp.New(snmp.Options{Engine: srv, Config: cfg, Log: slog.Default()})
	if err != nil {
		return nil, err
	}
	return a.Run, nil
}
