package main

import (
	"context"
	"fmt"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/spf13/cobra"
)

// targetFailoverCommand builds `dtrep target failover`.
func targetFailoverCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "failover SET",
		Short: "Mark this target's copy of replication set SET as taken over from its source (Restore Required)",
		Long: "Mark this target's copy of SET as the authoritative one, as a failover leaves it: its source\n" +
			"shows Restore Required (event 4018) and this target discards its mirror and replication until\n" +
			"the source runs `dtrep restore start` (copying this copy back) or remirrors over it.",
		Args: exactArgs(1, "dtrep target failover SET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			set := args[0]
			if err := mgmt.ValidateJobName(set); err != nil {
				return err
			}
			if err := withOps(cmd, func(ctx context.Context, o mgmt.Operations) error {
				return o.RequireRestore(ctx, set)
			}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "target: %s requires a restore\n", set)
			return nil
		},
	}
}
