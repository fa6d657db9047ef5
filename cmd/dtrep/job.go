package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/view"
	"github.com/spf13/cobra"
)

var jobCmd = &cobra.Command{
	Use:   "job",
	Short: "Create, control and inspect replication jobs",
}

// job create flags. Compression and bandwidth are strings so a bad value is
// our 101, not a flag-parsing error.
var (
	jobSource, jobTarget, jobTargetPath string
	jobCompression, jobBandwidth        string
	jobInclude, jobExclude              []string
	jobFormat                           string
)

// jobCommand builds `dtrep job` and its subcommands.
func jobCommand() *cobra.Command {
	create := &cobra.Command{
		Use:   "create NAME --source-path DIR --target HOST:PORT --target-path DIR",
		Short: "Create a job (not started) that replicates a source directory to a target",
		Args:  exactArgs(1, "dtrep job create NAME --source-path DIR --target HOST:PORT --target-path DIR"),
		RunE:  runJobCreate,
	}
	f := create.Flags()
	f.StringVar(&jobSource, "source-path", "", "absolute directory to protect")
	f.StringVar(&jobTarget, "target", "", "target server as HOST:PORT")
	f.StringVar(&jobTargetPath, "target-path", "", "absolute directory on the target that receives the data")
	f.StringVar(&jobCompression, "compression", "off",
		"compression level: "+strings.Join(mgmt.CompressionLevels(), ", ")+" or 0-"+strconv.Itoa(mgmt.MaxCompression))
	f.StringVar(&jobBandwidth, "bandwidth", "unlimited", "bandwidth limit in Kbps; 0 or unlimited for none")
	// StringArray, not StringSlice: globs may contain commas.
	f.StringArrayVar(&jobInclude, "include", nil, "glob of paths to replicate (repeatable); default everything")
	f.StringArrayVar(&jobExclude, "exclude", nil, "glob of paths not to replicate (repeatable)")
	jobCmd.AddCommand(create)

	for _, a := range []struct {
		verb, short, done string
		op                func(mgmt.Manager) func(context.Context, string) error
	}{
		{"start", "Start a job: connect to the target and replicate", "started", func(m mgmt.Manager) func(context.Context, string) error { return m.StartJob }},
		{"stop", "Stop a job: disconnect from the target", "stopped", func(m mgmt.Manager) func(context.Context, string) error { return m.StopJob }},
		{"pause", "Pause a job's transmission to the target", "paused", func(m mgmt.Manager) func(context.Context, string) error { return m.PauseJob }},
		{"resume", "Resume a paused job's transmission", "resumed", func(m mgmt.Manager) func(context.Context, string) error { return m.ResumeJob }},
		{"delete", "Delete a stopped job", "deleted", func(m mgmt.Manager) func(context.Context, string) error { return m.DeleteJob }},
	} {
		jobCmd.AddCommand(jobAction("job", a.verb, a.short, a.done, a.op))
	}

	list := &cobra.Command{
		Use:   "list",
		Short: "List jobs with their connection and status words",
		Args:  exactArgs(0, "dtrep job list [--format table|json]"),
		RunE:  runJobList,
	}
	list.Flags().StringVar(&jobFormat, "format", "table", "output format: table or json")
	status := &cobra.Command{
		Use:   "status NAME",
		Short: "Show one job's connection, mirror, replication and queue status",
		Args:  exactArgs(1, "dtrep job status NAME [--format table|json]"),
		RunE:  runJobStatus,
	}
	status.Flags().StringVar(&jobFormat, "format", "table", "output format: table or json")
	jobCmd.AddCommand(list, status)
	return jobCmd
}

func runJobCreate(cmd *cobra.Command, args []string) error {
	level, err := parseCompression(jobCompression)
	if err != nil {
		return err
	}
	kbps, err := parseBandwidth(jobBandwidth)
	if err != nil {
		return err
	}
	spec := mgmt.JobSpec{Name: args[0], SourcePath: jobSource, Target: jobTarget, TargetPath: jobTargetPath,
		Compression: level, BandwidthKbps: kbps, Include: jobInclude, Exclude: jobExclude}
	for flag, v := range map[string]string{"--source-path": jobSource, "--target": jobTarget, "--target-path": jobTargetPath} {
		if v == "" {
			return catalog.Err(catalog.CodeInvalidParameter, "job create: %s is required", flag)
		}
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	if err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) error { return m.CreateJob(ctx, spec) }); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "job %s: created\n", spec.Name)
	return nil
}

// parseCompression accepts a level number or its name.
func parseCompression(s string) (int, error) {
	names := mgmt.CompressionLevels()
	if i := slices.Index(names, strings.ToLower(s)); i >= 0 {
		return i, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > mgmt.MaxCompression {
		return 0, catalog.Err(catalog.CodeInvalidParameter, "--compression %q: allowed %s or 0-%d",
			s, strings.Join(names, ", "), mgmt.MaxCompression)
	}
	return n, nil
}

// parseBandwidth accepts Kbps or "unlimited" (the reference's word for 0).
func parseBandwidth(s string) (int, error) {
	if strings.EqualFold(s, "unlimited") {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > mgmt.MaxBandwidthKbps {
		return 0, catalog.Err(catalog.CodeInvalidParameter, "--bandwidth %q: Kbps from 0 (unlimited) to %d", s, mgmt.MaxBandwidthKbps)
	}
	return n, nil
}

func runJobList(cmd *cobra.Command, _ []string) error {
	if err := checkFormat(jobFormat, "table", "json"); err != nil {
		return err
	}
	var jobs []mgmt.JobStatus
	err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) (err error) {
		jobs, err = m.ListJobs(ctx)
		return err
	})
	if err != nil {
		return err
	}
	if jobFormat == "json" {
		if jobs == nil {
			jobs = []mgmt.JobStatus{}
		}
		return writeJSON(cmd.OutOrStdout(), jobs)
	}
	tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCONNECTION ID\tCONSTATE\tTRANSMIT MODE\tMIRROR STATUS\tREPLICATION STATUS\tTARGET DATA STATE")
	for _, j := range jobs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", j.Spec.Name, connectionID(j.ConnectionID), mgmt.FormatConState(j.ConState),
			j.TransmitMode, j.MirrorStatus, j.ReplicationStatus, j.TargetDataState)
	}
	return tw.Flush()
}

func runJobStatus(cmd *cobra.Command, args []string) error {
	if err := checkFormat(jobFormat, "table", "json"); err != nil {
		return err
	}
	if err := mgmt.ValidateJobName(args[0]); err != nil {
		return err
	}
	var st mgmt.JobStatus
	err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) (err error) {
		st, err = m.JobStatus(ctx, args[0])
		return err
	})
	if err != nil {
		return err
	}
	if jobFormat == "json" {
		return writeJSON(cmd.OutOrStdout(), st)
	}
	return writeJobStatus(cmd.OutOrStdout(), st)
}

// writeJobStatus prints a job with the reference's chapter 4 labels.
func writeJobStatus(w io.Writer, st mgmt.JobStatus) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	row := func(label string, v any) { fmt.Fprintf(tw, "%s\t%v\n", label, v) }
	row("Name", st.Spec.Name)
	row("Source path", st.Spec.SourcePath)
	row("Target route", st.Spec.Target)
	row("Target path", st.Spec.TargetPath)
	row("Compression", mgmt.FormatCompression(st.Spec.Compression))
	row("Bandwidth limit (Kbps)", mgmt.FormatBandwidth(st.Spec.BandwidthKbps))
	if len(st.Spec.Include) > 0 {
		row("Include", strings.Join(st.Spec.Include, " "))
	}
	if len(st.Spec.Exclude) > 0 {
		row("Exclude", strings.Join(st.Spec.Exclude, " "))
	}
	row("Enabled", map[bool]string{true: "yes", false: "no"}[st.Enabled])
	row("Connection ID", connectionID(st.ConnectionID))
	row("conState", mgmt.FormatConState(st.ConState))
	row("Transmit mode", st.TransmitMode)
	row("Mirror status", st.MirrorStatus)
	row("Mirror percent complete", strconv.FormatFloat(st.MirrorPercent, 'f', 1, 64)+"%")
	row("Mirror remaining (bytes)", st.MirrorRemaining)
	row("Replication status", st.ReplicationStatus)
	row("Target data state", st.TargetDataState)
	// The reference leaves Connected since blank when no socket is present.
	connected := ""
	if !st.ConnectedSince.IsZero() {
		connected = st.ConnectedSince.Local().Format("2006-01-02 15:04:05 MST")
	}
	row("Connected since", connected)
	if st.ChangeCapture != "" {
		row(view.ChangeCaptureItem, st.ChangeCapture)
	}
	if st.LastError != "" {
		row("Last error", st.LastError)
	}
	var queues []string
	for name := range st.Counters {
		if strings.Contains(name, "Queue") {
			queues = append(queues, name)
		}
	}
	slices.Sort(queues)
	if len(queues) > 0 {
		fmt.Fprintln(tw, "Queues")
		for _, q := range queues {
			row("  "+q, st.Counters[q])
		}
	}
	return tw.Flush()
}

// connectionID shows "-" for a job without a connection (IDs start at 1).
func connectionID(id int) string {
	if id == 0 {
		return "-"
	}
	return strconv.Itoa(id)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
