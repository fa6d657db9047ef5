package main

import (
	"context"
	"fmt"
	"os"
	"os/user"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/spf13/cobra"
)

var (
	taskName    string
	taskTimeout int64
)

// taskCommand builds `dtrep task` and its subcommands.
func taskCommand() *cobra.Command {
	task := &cobra.Command{
		Use:   "task",
		Short: "In-band task commands: run a command on the target, in order with the replicated data",
	}
	submit := &cobra.Command{
		Use:   "submit NAME -- COMMAND [ARG...]",
		Short: "Queue COMMAND in job NAME's stream; the target runs it once everything before it is applied",
		Long: "Queue COMMAND in job NAME's replication stream. The target runs it (without a shell, in its\n" +
			"target path, with DTREP_TARGET_PATH, DTREP_SOURCE, DTREP_REPLICATION_SET, DTREP_TASK and\n" +
			"DTREP_TASK_ID set) once every change made before the submission has been applied. Both servers\n" +
			"must have EnableTaskCmdProcessing 1.",
		RunE: runTaskSubmit,
	}
	submit.Flags().StringVar(&taskName, "name", "", "name shown in events (default: the program)")
	submit.Flags().Int64Var(&taskTimeout, "timeout", -1, "seconds the target waits for it; 0 does not wait (default: the source's TaskCmdTimeout)")
	task.AddCommand(submit)
	return task
}

func runTaskSubmit(cmd *cobra.Command, args []string) error {
	const usage = "usage: dtrep task submit NAME [--name N] [--timeout S] [--] COMMAND [ARG...]"
	// "--" is needed only when the command has options of its own: it
	// keeps them from being read as dtrep's.
	if len(args) < 2 {
		return catalog.Err(catalog.CodeInvalidCommand, usage)
	}
	name := args[0]
	if err := mgmt.ValidateJobName(name); err != nil {
		return err
	}
	spec := mgmt.TaskSpec{Name: taskName, By: currentUser(), Argv: args[1:]}
	if cmd.Flags().Changed("timeout") {
		if taskTimeout < 0 {
			return catalog.Err(catalog.CodeInvalidOption, "--timeout %d: must be 0 (do not wait) or more", taskTimeout)
		}
		spec.Timeout = &taskTimeout
	}
	var rec mgmt.TaskReceipt
	err := withOps(cmd, func(ctx context.Context, o mgmt.Operations) error {
		var err error
		rec, err = o.SubmitTask(ctx, name, spec)
		return err
	})
	if err != nil {
		return err
	}
	wait := fmt.Sprintf("waits %d s", rec.Timeout)
	if rec.Timeout == 0 {
		wait = "not waited for"
	}
	fmt.Fprintf(cmd.OutOrStdout(), "task %s: %s queued as task %d (%s)\n", name, rec.Name, rec.ID, wait)
	return nil
}

// currentUser names who submits a task, for its events.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}
