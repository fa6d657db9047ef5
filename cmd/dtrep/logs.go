package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/spf13/cobra"
)

var (
	logsJob     string
	logsService string
	logsFollow  bool
	logsLines   int
	logsFormat  string
	logsPoll    = time.Second
)

// logsCommand builds `dtrep logs` and its subcommands.
func logsCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Show the server's engine and management logs, or a job's log, through the management API",
		Long: "logs prints the last lines of the server's logs (the engine log, dtlog<N>.dtl, and the management\n" +
			"log, master.log, merged by time), or of one job's log with --job. With --server it reads a remote\n" +
			"server's logs. --follow keeps printing new lines until Ctrl-C.",
		Args: exactArgs(0, "dtrep logs [--job NAME] [--follow] [--service engine|management] [--lines N]"),
		RunE: runLogs,
	}
	f := cmd.Flags()
	f.StringVar(&logsJob, "job", "", "show this job's log (job-<GUID>.log) instead")
	f.StringVar(&logsService, "service", "", "only the engine or the management log (default both)")
	f.BoolVar(&logsFollow, "follow", false, "keep printing new lines until Ctrl-C")
	f.IntVar(&logsLines, "lines", 100, "how many of the last lines to show first (-1: all)")
	f.StringVar(&logsFormat, "format", "text", "output format: text or json (one entry per line)")
	return cmd
}

func runLogs(cmd *cobra.Command, _ []string) error {
	if err := checkFormat(logsFormat, "text", "json"); err != nil {
		return err
	}
	if logsLines < -1 {
		return catalog.Err(catalog.CodeInvalidOption, "--lines %d: -1 (all) or more", logsLines)
	}
	// --lines 0 shows nothing old: with --follow, only what comes next.
	q := mgmt.LogQuery{Service: logsService, Job: logsJob, Tail: logsLines}
	if err := q.Validate(); err != nil {
		return err
	}
	c, err := managementClient()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, stop := commandContext(cmd, logsFollow)
	defer stop()
	out := cmd.OutOrStdout()
	for {
		rctx, cancel := context.WithTimeout(ctx, commandBudget)
		page, err := c.ReadLogs(rctx, q)
		cancel()
		if err != nil {
			if logsFollow && ctx.Err() != nil {
				return nil
			}
			return err
		}
		for _, e := range page.Entries {
			if err := writeLogEntry(out, e); err != nil {
				return err
			}
		}
		first := q.Cursor == ""
		q.Cursor, q.Tail = page.Cursor, 0
		if !first && len(page.Entries) == mgmt.DefaultLogLimit {
			continue // more is waiting: no pause
		}
		if !logsFollow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(logsPoll):
		}
	}
}

// writeLogEntry prints one line: time, service, message ID and text, as
// the console's log window shows them.
func writeLogEntry(w io.Writer, e mgmt.LogEntry) error {
	if logsFormat == "json" {
		return json.NewEncoder(w).Encode(e)
	}
	t := "-"
	if !e.Time.IsZero() {
		t = e.Time.Local().Format("2006-01-02 15:04:05")
	}
	id := ""
	if e.ID != 0 {
		id = fmt.Sprint(e.ID)
	}
	_, err := fmt.Fprintf(w, "%-19s  %-18s  %5s  %s\n", t, e.Service, id, e.Message)
	return err
}
