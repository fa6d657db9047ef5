package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/schedule"
	"github.com/spf13/cobra"
)

var scheduleFormat string

// scheduleCommand builds `dtrep schedule` and its subcommands.
func scheduleCommand() *cobra.Command {
	sched := &cobra.Command{
		Use:   "schedule",
		Short: "A job's bandwidth periods, transmission windows and recurring verification",
		Long: `A job's schedule is a JSON document stored with the job:

  {"bandwidth": [{"name": "Business hours", "days": ["mon","tue","wed","thu","fri"],
                  "start": "08:00", "end": "18:00", "kbps": 512}],
   "transmit":  [{"start": "20:00", "end": "06:00"}],
   "verify":    {"every_minutes": 1440, "checksum": true, "fix": false, "orphans": false}}

Bandwidth periods set the limit while they last (the first that matches wins; outside them
the job's own limit applies). With transmission windows, data is sent only inside one: outside,
the connection is Scheduled. Times are the server's local time; a window whose end is not
after its start runs past midnight; days are mon..sun, none meaning every day. A recurring
verification runs when it is set, then every every_minutes.`,
	}
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a job's schedule",
		Args:  exactArgs(1, "dtrep schedule show NAME [--format text|json]"),
		RunE:  runScheduleShow,
	}
	show.Flags().StringVar(&scheduleFormat, "format", "text", "text or json")
	set := &cobra.Command{
		Use:   "set NAME FILE",
		Short: "Replace a job's schedule with the JSON document in FILE (- reads standard input)",
		Args:  exactArgs(2, "dtrep schedule set NAME FILE|-"),
		RunE:  runScheduleSet,
	}
	clear := &cobra.Command{
		Use:   "clear NAME",
		Short: "Remove a job's schedule",
		Args:  exactArgs(1, "dtrep schedule clear NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return putSchedule(cmd, args[0], nil, "cleared")
		},
	}
	sched.AddCommand(show, set, clear)
	return sched
}

func runScheduleShow(cmd *cobra.Command, args []string) error {
	name := args[0]
	if err := mgmt.ValidateJobName(name); err != nil {
		return err
	}
	if err := checkFormat(scheduleFormat, "text", "json"); err != nil {
		return err
	}
	var spec *schedule.Spec
	if err := withOps(cmd, func(ctx context.Context, o mgmt.Operations) error {
		var err error
		spec, err = o.Schedule(ctx, name)
		return err
	}); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	if scheduleFormat == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(spec)
	}
	fmt.Fprint(out, formatSchedule(name, spec))
	return nil
}

func days(d []string) string {
	if len(d) == 0 {
		return "every day"
	}
	return strings.Join(d, ",")
}

// formatSchedule renders a schedule for people.
func formatSchedule(name string, s *schedule.Spec) string {
	var b strings.Builder
	if s.Empty() {
		fmt.Fprintf(&b, "schedule %s: none\n", name)
		return b.String()
	}
	fmt.Fprintf(&b, "schedule %s:\n", name)
	for _, p := range s.Bandwidth {
		limit := "Unlimited"
		if p.Kbps > 0 {
			limit = fmt.Sprintf("%d Kbps", p.Kbps)
		}
		fmt.Fprintf(&b, "  bandwidth %q: %s %s-%s, %s\n", p.Name, days(p.Days), p.Start, p.End, limit)
	}
	for _, w := range s.Transmit {
		fmt.Fprintf(&b, "  transmit: %s %s-%s\n", days(w.Days), w.Start, w.End)
	}
	if v := s.Verify; v != nil {
		var opts []string
		if v.Checksum {
			opts = append(opts, "checksum")
		}
		if v.Fix {
			opts = append(opts, "fix")
		}
		if v.Orphans {
			opts = append(opts, "orphans")
		}
		fmt.Fprintf(&b, "  verify: every %d minutes", v.EveryMinutes)
		if len(opts) > 0 {
			fmt.Fprintf(&b, " (%s)", strings.Join(opts, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func runScheduleSet(cmd *cobra.Command, args []string) error {
	var r io.Reader = cmd.InOrStdin()
	if args[1] != "-" {
		f, err := os.Open(args[1])
		if err != nil {
			return catalog.Wrap(catalog.CodeInvalidParameter, err, "schedule file")
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, schedule.MaxEncoded+1))
	if err != nil {
		return catalog.Wrap(catalog.CodeInvalidParameter, err, "schedule file")
	}
	spec, err := schedule.Parse(b)
	if err != nil {
		return err
	}
	return putSchedule(cmd, args[0], spec, "set")
}

func putSchedule(cmd *cobra.Command, name string, spec *schedule.Spec, done string) error {
	if err := mgmt.ValidateJobName(name); err != nil {
		return err
	}
	if err := withOps(cmd, func(ctx context.Context, o mgmt.Operations) error {
		return o.SetSchedule(ctx, name, spec)
	}); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "schedule %s: %s\n", name, done)
	return nil
}
