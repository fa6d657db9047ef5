package main

import (
	"context"
	"fmt"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/spf13/cobra"
)

// targetCommand builds `dtrep target` and its subcommands.
func targetCommand() *cobra.Command {
	target := &cobra.Command{
		Use:   "target",
		Short: "Pause or resume this server's target: applying of incoming operations",
	}
	for _, a := range []struct {
		verb, short, done string
		op                func(mgmt.Manager) func(context.Context) error
	}{
		{"pause", "Pause the target: incoming operations queue instead of being applied", "paused",
			func(m mgmt.Manager) func(context.Context) error { return m.PauseTarget }},
		{"resume", "Resume the target: apply queued and incoming operations", "resumed",
			func(m mgmt.Manager) func(context.Context) error { return m.ResumeTarget }},
	} {
		target.AddCommand(&cobra.Command{
			Use:   a.verb,
			Short: a.short,
			Args:  exactArgs(0, "dtrep target "+a.verb),
			RunE: func(cmd *cobra.Command, _ []string) error {
				if err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) error { return a.op(m)(ctx) }); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "target: %s\n", a.done)
				return nil
			},
		})
	}
	target.AddCommand(targetFailoverCommand())
	return target
}
