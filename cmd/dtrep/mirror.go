package main

import (
	"context"
	"fmt"

	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/spf13/cobra"
)

var mirrorMode string

// mirrorCommand builds `dtrep mirror` and its subcommands.
func mirrorCommand() *cobra.Command {
	mirror := &cobra.Command{
		Use:   "mirror",
		Short: "Start, stop, pause and resume a job's mirror",
	}
	start := &cobra.Command{
		Use:   "start NAME",
		Short: "Mirror a started job's source to its target",
		Args:  exactArgs(1, "dtrep mirror start NAME [--mode full|diff|checksum]"),
		RunE:  runMirrorStart,
	}
	start.Flags().StringVar(&mirrorMode, "mode", mgmt.MirrorFull,
		"full: send every file; diff: send files whose size or time differ; checksum: send blocks whose checksums differ")
	mirror.AddCommand(start,
		jobAction("mirror", "stop", "Stop a job's mirror", "mirror stopped",
			func(m mgmt.Manager) func(context.Context, string) error { return m.StopMirror }),
		jobAction("mirror", "pause", "Pause a job's mirror", "mirror paused",
			func(m mgmt.Manager) func(context.Context, string) error { return m.PauseMirror }),
		jobAction("mirror", "resume", "Resume a job's paused mirror", "mirror resumed",
			func(m mgmt.Manager) func(context.Context, string) error { return m.ResumeMirror }),
	)
	return mirror
}

func runMirrorStart(cmd *cobra.Command, args []string) error {
	name := args[0]
	if err := mgmt.ValidateJobName(name); err != nil {
		return err
	}
	if err := mgmt.ValidateMirrorMode(mirrorMode); err != nil {
		return err
	}
	err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) error { return m.StartMirror(ctx, name, mirrorMode) })
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "mirror %s: started (%s)\n", name, mirrorMode)
	return nil
}
