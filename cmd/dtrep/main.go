// Command dtrep is the dtrep server and its management CLI.
package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/spf13/cobra"
)

// rootCmd is the top of the command tree.
var rootCmd = newRootCommand()

// newRootCommand puts the command tree together: each file of this package
// builds its own commands, and this is the one place that lists them, so
// nothing depends on the order files are initialised in.
func newRootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "dtrep",
		Short:         "dtrep replicates a protected tree from a source to a target in real time",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	addClientFlags(root.PersistentFlags())
	addConfigFlag(root.PersistentFlags())
	root.AddCommand(
		serveCommand(), demoCommand(),
		jobCommand(), mirrorCommand(), targetCommand(), taskCommand(), scheduleCommand(), failoverCommand(),
		viewCommand(), statsCommand(), logsCommand(), optionCommand(), catalogCommand(),
		packsCommand(), snmpCommand(), eventlogCommand(), emailCommand(), perfmonCommand(),
	)
	root.AddCommand(opsCommands()...)
	registerSettingChecks()
	return root
}

// registerSettingChecks adds the checks of settings this command serves
// beyond their catalog type, so `dtrep option set` and a settings file
// refuse a value the server could not use.
func registerSettingChecks() {
	for _, id := range []catalog.SettingID{catalog.SettingManagementAddress, catalog.SettingConsoleAddress} {
		settings.RegisterCheck(id.Name(), func(v string) error { return checkAddress(id.Name(), v) })
	}
	settings.RegisterCheck(catalog.SettingPrometheusAddress.Name(), checkPrometheusAddress)
}

func main() {
	// The server keeps the logger it is built with, and it is built before
	// any starter runs: the default logger must already be the one that can
	// reach the engine logs registered later.
	slog.SetDefault(slog.New(serverLogs))
	if err := rootCmd.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "dtrep:", err)
		os.Exit(exitCode(err))
	}
}

// exitCode is err's exit status (catalog.ExitStatus).
func exitCode(err error) int { return catalog.ExitStatus(err) }
