package main

import (
	"context"
	"fmt"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/spf13/cobra"
)

// withOps runs fn against the selected server's operations (verification,
// orphans, restore, tasks, schedules) within the command budget.
func withOps(cmd *cobra.Command, fn func(ctx context.Context, o mgmt.Operations) error) error {
	c, err := managementClient()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(cmd.Context(), commandBudget)
	defer cancel()
	return fn(ctx, c)
}

// activityCommand builds "dtrep ACTIVITY start|pause|resume|stop NAME".
// flags, when set, adds the start command's options to it and fills opts.
func activityCommand(activity, short, what string, flags func(*cobra.Command, *mgmt.ActivityOptions)) *cobra.Command {
	group := &cobra.Command{Use: activity, Short: short}
	var opts mgmt.ActivityOptions
	start := &cobra.Command{
		Use:   "start NAME",
		Short: "Start the " + what + " of a started job",
		Args:  exactArgs(1, "dtrep "+activity+" start NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := mgmt.ValidateJobName(name); err != nil {
				return err
			}
			if err := withOps(cmd, func(ctx context.Context, o mgmt.Operations) error {
				return o.StartActivity(ctx, name, activity, opts)
			}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %s: %s started\n", activity, name, what)
			return nil
		},
	}
	if flags != nil {
		flags(start, &opts)
	}
	group.AddCommand(start)
	for _, a := range []struct{ action, done string }{
		{mgmt.ActionPause, "paused"}, {mgmt.ActionResume, "resumed"}, {mgmt.ActionStop, "stopped"},
	} {
		group.AddCommand(&cobra.Command{
			Use:   a.action + " NAME",
			Short: fmt.Sprintf("%s a job's running %s", a.action, what),
			Args:  exactArgs(1, "dtrep "+activity+" "+a.action+" NAME"),
			RunE: func(cmd *cobra.Command, args []string) error {
				name := args[0]
				if err := mgmt.ValidateJobName(name); err != nil {
					return err
				}
				if err := withOps(cmd, func(ctx context.Context, o mgmt.Operations) error {
					return o.ControlActivity(ctx, name, activity, a.action)
				}); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s %s: %s %s\n", activity, name, what, a.done)
				return nil
			},
		})
	}
	return group
}

// opsCommands builds `dtrep verify`, `dtrep orphans` and `dtrep restore`.
func opsCommands() []*cobra.Command {
	return []*cobra.Command{
		activityCommand(mgmt.ActivityVerify, "Verify a job's target copy against its source", "verification",
			func(c *cobra.Command, o *mgmt.ActivityOptions) {
				c.Flags().BoolVar(&o.Checksum, "checksum", false, "compare block checksums, not attributes alone")
				c.Flags().BoolVar(&o.Fix, "fix", false, "synchronise what differs (a verification with remirror)")
				c.Flags().BoolVar(&o.Orphans, "orphans", false, "also report files only the target has (removed with --fix)")
			}),
		activityCommand(mgmt.ActivityOrphans, "Remove files only a job's target has (orphans)", "orphan removal", nil),
		activityCommand(mgmt.ActivityRestore, "Restore a job's source from its target", "restore",
			func(c *cobra.Command, o *mgmt.ActivityOptions) {
				c.Flags().BoolVar(&o.Checksum, "checksum", false, "compare block checksums even of files whose size and time match")
			}),
	}
}
