package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/failover"
	"github.com/dtrep/dtrep/engine/mgmt"
)

// withFailover runs fn with the server's failover module.
func withFailover(cmd *cobra.Command, fn func(ctx context.Context, f mgmt.Failover) error) error {
	return withManager(cmd, func(ctx context.Context, m mgmt.Manager) error {
		f, ok := m.(mgmt.Failover)
		if !ok {
			return catalog.Err(161, "the management client has no failover operations")
		}
		return fn(ctx, f)
	})
}

func failoverCommand() *cobra.Command {
	group := &cobra.Command{
		Use:   "failover",
		Short: "Watch the sources of the copies this target holds, and fail over, undo and reverse protection",
	}
	var spec failover.Spec
	var interval, timeout time.Duration
	var pre, post string
	monitor := &cobra.Command{
		Use:   "monitor SET --source HOST:PORT",
		Short: "Monitor the source of replication set SET from this target (replaces an existing monitor)",
		Long: "monitor probes the source every --interval: a reply is a frame of the set's replication\n" +
			"session or a TCP connection to --source. After --missed probes in a row without a reply the\n" +
			"failover condition is met (events 6011 and 6010, dttrapFailoverConditionMet); with --auto the\n" +
			"failover starts at once. --copy-path (this target's copy) and --source-path (the source's\n" +
			"protected directory) are needed for reverse protection.",
		Args: exactArgs(1, "dtrep failover monitor SET --source HOST:PORT [flags]"),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec.Set = args[0]
			spec.Interval, spec.Timeout = failover.Duration(interval), failover.Duration(timeout)
			spec.Pre, spec.Post = scriptArgv(pre), scriptArgv(post)
			return withFailover(cmd, func(ctx context.Context, f mgmt.Failover) error {
				st, err := f.MonitorSource(ctx, spec)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "failover: monitor %d watches %s for %s every %s (condition after %d missed)\n",
					st.ID, st.Spec.Source, st.Spec.Set, st.Spec.Interval, st.Spec.Missed)
				return nil
			})
		},
	}
	fl := monitor.Flags()
	fl.StringVar(&spec.Source, "source", "", "the source server's address (host:port)")
	fl.DurationVar(&interval, "interval", time.Duration(failover.DefaultInterval), "time between probes")
	fl.IntVar(&spec.Missed, "missed", failover.DefaultMissed, "probes in a row without a reply that meet the failover condition")
	fl.BoolVar(&spec.Auto, "auto", false, "fail over automatically when the condition is met")
	fl.StringVar(&pre, "pre-script", "", "absolute path of the script run before failover")
	fl.StringVar(&post, "post-script", "", "absolute path of the script run after failover")
	fl.DurationVar(&timeout, "script-timeout", time.Duration(failover.DefaultScriptTimeout), "time limit of each script")
	fl.StringVar(&spec.CopyPath, "copy-path", "", "this target's copy of the set (for reverse protection)")
	fl.StringVar(&spec.OrigPath, "source-path", "", "the source's protected directory (for reverse protection)")
	group.AddCommand(monitor)

	group.AddCommand(&cobra.Command{
		Use:   "unmonitor SET",
		Short: "Stop monitoring the source of SET and forget its monitor",
		Args:  exactArgs(1, "dtrep failover unmonitor SET"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withFailover(cmd, func(ctx context.Context, f mgmt.Failover) error { return f.RemoveMonitor(ctx, args[0]) })
		},
	})
	for _, a := range []struct{ action, short string }{
		{mgmt.FailoverStart, "Fail over SET: run the scripts and make this target's copy the live one (Restore Required for the source)"},
		{mgmt.FailoverUndo, "Undo the failover of SET: hand the copy back to its source"},
		{mgmt.FailoverReverse, "Reverse the protection of failed-over SET: a new job mirrors this copy's differences to the old source"},
	} {
		group.AddCommand(&cobra.Command{
			Use:   a.action + " SET",
			Short: a.short,
			Args:  exactArgs(1, "dtrep failover "+a.action+" SET"),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := withFailover(cmd, func(ctx context.Context, f mgmt.Failover) error {
					return f.FailoverAction(ctx, args[0], a.action)
				}); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "failover: %s %s done\n", a.action, args[0])
				return nil
			},
		})
	}
	var format string
	status := &cobra.Command{
		Use:   "status",
		Short: "Show the failover monitors and their states",
		Args:  exactArgs(0, "dtrep failover status [--format table|json]"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withFailover(cmd, func(ctx context.Context, f mgmt.Failover) error {
				st, err := f.FailoverStatus(ctx)
				if err != nil {
					return err
				}
				return printFailoverStatus(cmd, format, st)
			})
		},
	}
	status.Flags().StringVar(&format, "format", "table", "output format: table or json")
	group.AddCommand(status)
	return group
}

// scriptArgv is a script path as an argv; empty for none.
func scriptArgv(path string) []string {
	if path == "" {
		return nil
	}
	return []string{path}
}

func printFailoverStatus(cmd *cobra.Command, format string, st []failover.Status) error {
	out := cmd.OutOrStdout()
	switch format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	case "table":
	default:
		return catalog.Err(catalog.CodeInvalidOption, "--format %q: allowed table, json", format)
	}
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSET\tSOURCE\tSTATE\tMISSED\tLAST REPLY\tERROR")
	for _, s := range st {
		last := "-"
		if !s.LastReply.IsZero() {
			last = s.LastReply.Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d/%d\t%s\t%s\n", s.ID, s.Spec.Set, s.Spec.Source, s.State, s.Missed,
			s.Spec.Missed, last, s.LastError)
	}
	return w.Flush()
}
