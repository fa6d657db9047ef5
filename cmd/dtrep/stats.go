package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/spf13/cobra"
)

var statsFormat string

// statsCommand builds `dtrep stats` and its subcommands.
func statsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stats",
		Short: "Print the server's statistics snapshot (every counter of every scope)",
		Args:  exactArgs(0, "dtrep stats [--format table|json]"),
		RunE:  runStats,
	}
	cmd.Flags().StringVar(&statsFormat, "format", "table", "output format: table or json (the raw snapshot)")
	return cmd
}

func runStats(cmd *cobra.Command, _ []string) error {
	if err := checkFormat(statsFormat, "table", "json"); err != nil {
		return err
	}
	var snap stats.Snapshot
	err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) (err error) {
		snap, err = m.Stats(ctx)
		return err
	})
	if err != nil {
		return err
	}
	if statsFormat == "json" {
		return writeJSON(cmd.OutOrStdout(), snap)
	}
	return writeStatsTable(cmd.OutOrStdout(), snap)
}

// writeStatsTable prints one row per counter, scope by scope, names sorted.
func writeStatsTable(w io.Writer, snap stats.Snapshot) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SCOPE\tINSTANCE\tCOUNTER\tVALUE")
	instances := append([]stats.Instance{snap.Kernel, snap.Security, snap.Source}, snap.Targets...)
	instances = append(instances, snap.Connections...)
	for _, in := range instances {
		key := in.Key
		if key == "" {
			key = "-"
		}
		rows := map[string]string{}
		for n, v := range in.Values {
			rows[n] = fmt.Sprint(v)
		}
		for n, v := range in.Texts {
			rows[n] = v
		}
		names := make([]string, 0, len(rows))
		for n := range rows {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", in.Scope, key, n, rows[n])
		}
	}
	return tw.Flush()
}
