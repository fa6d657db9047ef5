package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/eventlog"
)

// startEventlog runs the event log writers the settings turn on (the
// Windows Event Log, journald, syslog), their counters on /metrics.
func startEventlog(srv *server.Server, st settings.Reader) (func(context.Context) error, error) {
	cfg, err := eventlog.ConfigFromSettings(st)
	if err != nil {
		return nil, err
	}
	routes, err := cfg.Routes(srv.Catalog(), srv.ServerName())
	if err != nil || len(routes) == 0 {
		return nil, err
	}
	c := eventlog.NewConsumer(srv, routes, cfg.BufferSize, slog.Default())
	addMetrics(srv, c.Collector())
	return c.Run, nil
}

func eventlogCommand() *cobra.Command {
	var opts eventlog.InstallOptions
	cmd := &cobra.Command{
		Use:   "eventlog",
		Short: "Register dtrep's events with the operating system's event log",
	}
	run := func(do func(*catalog.Catalog, eventlog.InstallOptions) ([]string, error)) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, _ []string) error {
			cat, err := catalog.Load()
			if err != nil {
				return err
			}
			done, err := do(cat, opts)
			for _, d := range done {
				fmt.Fprintln(cmd.OutOrStdout(), d)
			}
			return err
		}
	}
	install := &cobra.Command{
		Use:   "install",
		Short: "Register every event source and its message file (Windows), or the journal message catalog (Linux)",
		Long: "On Windows, install writes the message file " + eventlog.MessageDLLName + " beside dtrep.exe (or into --dir)\n" +
			"and registers every reference source (Double-Take, Double-Take Management Service, RepKap, RepDrv, ...)\n" +
			"in its log with EventMessageFile and TypesSupported, so Event Viewer renders each event's text; it\n" +
			"needs an administrator. On Linux, it puts the journal message catalog in " + eventlog.JournalCatalogDir + "\n" +
			"(under --root) and runs journalctl --update-catalog, so journalctl -x explains each event.",
		Args: cobra.NoArgs,
		RunE: run(eventlog.Install),
	}
	uninstall := &cobra.Command{
		Use:   "uninstall",
		Short: "Remove what install registered",
		Args:  cobra.NoArgs,
		RunE:  run(eventlog.Uninstall),
	}
	for _, c := range []*cobra.Command{install, uninstall} {
		c.Flags().StringVar(&opts.Dir, "dir", "", "Windows: directory of the message file (default: beside dtrep.exe)")
		c.Flags().StringVar(&opts.Root, "root", "", "Linux: root directory the journal catalog is installed under (default /)")
	}
	cmd.AddCommand(install, uninstall)
	return cmd
}
