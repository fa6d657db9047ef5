package main

import (
	"context"
	"fmt"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/spf13/cobra"
)

// This file sorts after target.go, so its init finds the target command.
func init() {
	var target *cobra.Command
	for _, c := range rootCmd.Commands() {
		if c.Name() == "target" {
			target = c
		}
	}
	if target == nil {
		panic("BUG: dtrep target command not registered before target_failover.go")
	}
	target.AddCommand(&cobra.Command{
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
	})
}
