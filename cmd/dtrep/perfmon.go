package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dtrep/dtrep/exporters/perfmon"
)

// perfmonCommand builds `dtrep perfmon` and its subcommands.
func perfmonCommand() *cobra.Command {
	pm := &cobra.Command{
		Use:   "perfmon",
		Short: "Register dtrep's Performance Monitor counters with Windows, or remove them",
		Long: "A Windows server publishes the reference's five Double-Take objects and 50 counters to\n" +
			"Performance Monitor while it runs. install registers them once per machine (lodctr /m:);\n" +
			"both install and uninstall need an elevated prompt.",
	}
	pm.AddCommand(&cobra.Command{
		Use:   "install",
		Short: "Write the counters manifest beside dtrep.exe and register it (lodctr /m:)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := perfmon.SystemInstaller()
			if err != nil {
				return err
			}
			if err := in.Install(); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Performance Monitor counters registered: the Double-Take objects "+
				"appear once a dtrep server runs")
			return nil
		},
	})
	pm.AddCommand(&cobra.Command{
		Use:   "uninstall",
		Short: "Remove the counters' registration (unlodctr /m:)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in, err := perfmon.SystemInstaller()
			if err != nil {
				return err
			}
			if err := in.Uninstall(); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Performance Monitor counters removed")
			return nil
		},
	})
	pm.AddCommand(&cobra.Command{
		Use:   "manifest",
		Short: "Print the counters manifest (.man) that install registers",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := cmd.OutOrStdout().Write(perfmon.ManifestFileBytes())
			return err
		},
	})
	return pm
}
