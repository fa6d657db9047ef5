package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/view"
	"github.com/spf13/cobra"
)

var (
	viewFormat   string
	viewWatch    bool
	viewInterval time.Duration
)

// viewCommand builds `dtrep view` and its subcommands.
func viewCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "view",
		Short: "Show the replication service view (root items, connections, replication sets, target connection entries)",
		Args:  exactArgs(0, "dtrep view [connection ID | set NAME | entry ID | delete ...] [--format table|json] [--watch]"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return showView(cmd, func(w io.Writer, v view.View) (any, error) { return v, view.WriteText(w, v) })
		},
	}
	pf := cmd.PersistentFlags()
	pf.StringVar(&viewFormat, "format", "table", "output format: table or json")
	pf.BoolVar(&viewWatch, "watch", false, "refresh until Ctrl-C")
	pf.DurationVar(&viewInterval, "interval", time.Second, "refresh interval with --watch")

	cmd.AddCommand(&cobra.Command{
		Use:   "connection ID",
		Short: "Show one connection's items",
		Args:  exactArgs(1, "dtrep view connection ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := mgmt.ParseConnectionID(args[0])
			if err != nil {
				return err
			}
			return showView(cmd, func(w io.Writer, v view.View) (any, error) {
				for _, c := range v.Connections {
					if c.ID == id {
						return c, view.WriteConnection(w, c)
					}
				}
				return nil, catalog.Err(catalog.CodeConnectionNotExist, "connection %d", id)
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "set NAME",
		Short: "Show one replication set's items",
		Args:  exactArgs(1, "dtrep view set NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return showView(cmd, func(w io.Writer, v view.View) (any, error) {
				for _, s := range v.ReplicationSets {
					if s.Name == args[0] {
						return s, view.WriteSet(w, s)
					}
				}
				return nil, catalog.Err(catalog.CodeJobNotExist, "replication set %q", args[0])
			})
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "entry ID",
		Short: "Show the target connection entries with this connection ID",
		Args:  exactArgs(1, "dtrep view entry ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := mgmt.ParseConnectionID(args[0])
			if err != nil {
				return err
			}
			return showView(cmd, func(w io.Writer, v view.View) (any, error) {
				// Two sources may both use connection ID 1: show each.
				var found []view.TargetEntry
				for _, e := range v.TargetEntries {
					if e.ID == id {
						found = append(found, e)
					}
				}
				if len(found) == 0 {
					return nil, catalog.Err(catalog.CodeConnectionNotExist, "no target connection entry %d", id)
				}
				if viewFormat == "table" {
					for i, e := range found {
						if i > 0 {
							fmt.Fprintln(w)
						}
						if err := view.WriteEntry(w, e); err != nil {
							return nil, err
						}
					}
				}
				return found, nil
			})
		},
	})

	del := &cobra.Command{Use: "delete", Short: "Delete a connection or a replication set that is not in use"}
	del.AddCommand(&cobra.Command{
		Use:   "connection ID",
		Short: "Delete a connection no job runs any more",
		Args:  exactArgs(1, "dtrep view delete connection ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := mgmt.ParseConnectionID(args[0])
			if err != nil {
				return err
			}
			if err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) error { return m.DeleteConnection(ctx, id) }); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "connection %d: deleted\n", id)
			return nil
		},
	})
	del.AddCommand(&cobra.Command{
		Use:   "set NAME",
		Short: "Delete a replication set no connection uses (and the stopped job it belongs to)",
		Args:  exactArgs(1, "dtrep view delete set NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := mgmt.ValidateJobName(args[0]); err != nil {
				return err
			}
			if err := withManager(cmd, func(ctx context.Context, m mgmt.Manager) error {
				return m.DeleteReplicationSet(ctx, args[0])
			}); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "replication set %s: deleted\n", args[0])
			return nil
		},
	})
	cmd.AddCommand(del)
	return cmd
}

// showView fetches the view, lets pick write the part asked for as a table
// (into a buffer, so a refused pick prints nothing) and return it for JSON,
// once or, with --watch, every interval until Ctrl-C.
func showView(cmd *cobra.Command, pick func(io.Writer, view.View) (any, error)) error {
	if err := checkFormat(viewFormat, "table", "json"); err != nil {
		return err
	}
	if viewWatch && viewInterval < 100*time.Millisecond {
		return catalog.Err(catalog.CodeInvalidOption, "--interval %s: at least 100ms", viewInterval)
	}
	c, err := managementClient()
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, stop := commandContext(cmd, viewWatch)
	defer stop()
	out := cmd.OutOrStdout()
	for first := true; ; first = false {
		rctx, cancel := context.WithTimeout(ctx, commandBudget)
		v, err := c.View(rctx)
		cancel()
		if err != nil {
			if viewWatch && ctx.Err() != nil {
				return nil
			}
			return err
		}
		var table bytes.Buffer
		part, err := pick(&table, v)
		if err != nil {
			return err
		}
		if viewWatch {
			if !first {
				fmt.Fprintln(out)
			}
			fmt.Fprintf(out, "--- %s ---\n", time.Now().Format(time.DateTime))
		}
		if viewFormat == "json" {
			if err := writeJSON(out, part); err != nil {
				return err
			}
		} else if _, err := out.Write(table.Bytes()); err != nil {
			return err
		}
		if !viewWatch {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(viewInterval):
		}
	}
}
