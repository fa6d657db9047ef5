package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/spf13/cobra"
)

// catalogPart is one printable part of the catalog: its JSON value and the
// same data as table rows.
type catalogPart struct {
	value   func(*catalog.Catalog) any
	columns []string
	rows    func(*catalog.Catalog) [][]string
}

var catalogParts = map[string]catalogPart{
	"events": {
		value:   func(c *catalog.Catalog) any { return c.Events },
		columns: []string{"SOURCE", "ID", "LOG", "LEVEL", "MESSAGE", "ACTION"},
		rows: func(c *catalog.Catalog) (r [][]string) {
			for _, e := range c.Events {
				r = append(r, []string{strings.Join(e.Sources, ", "), strconv.Itoa(e.ID), e.Log, string(e.Level), e.Message, e.Action})
			}
			return r
		},
	},
	"errors": {
		value:   func(c *catalog.Catalog) any { return c.Errors },
		columns: []string{"CODE", "MESSAGE", "NOTE"},
		rows: func(c *catalog.Catalog) (r [][]string) {
			for _, e := range c.Errors {
				r = append(r, []string{strconv.Itoa(e.Code), e.Message, e.Note})
			}
			return r
		},
	},
	"counters": {
		value: func(c *catalog.Catalog) any { return c.Counters },
		columns: []string{"NAME", "KIND", "UNIT", "SCOPE", "DTSTAT", "DTSTAT CSV", "PERF OBJECT",
			"PERF COUNTER", "SNMP", "PROMETHEUS", "VIEW"},
		rows: func(c *catalog.Catalog) (r [][]string) {
			for _, k := range c.Counters {
				dt := ""
				if k.DTStatLabel != "" {
					dt = k.DTStatSection + "::" + k.DTStatLabel
				}
				r = append(r, []string{k.Name, string(k.Kind), k.Unit, string(k.Scope), orNone(dt),
					orNone(k.DTStatCSV), orNone(k.PerfObject), orNone(k.PerfCounter), orNone(k.SNMPObject),
					orNone(k.Prometheus), orNone(k.ViewField)})
			}
			return r
		},
	},
	"traps": {
		value:   func(c *catalog.Catalog) any { return c.Traps },
		columns: []string{"NAME", "DESCRIPTION", "EVENTS"},
		rows: func(c *catalog.Catalog) (r [][]string) {
			for _, t := range c.Traps {
				var ev []string
				for _, k := range t.Events {
					ev = append(ev, k.String())
				}
				r = append(r, []string{t.Name, t.Description, orNone(strings.Join(ev, " "))})
			}
			return r
		},
	},
	"settings": {
		value:   func(c *catalog.Catalog) any { return c.Settings },
		columns: []string{"NAME", "DEFAULT", "VALUES", "RESTART", "STATUS"},
		rows: func(c *catalog.Catalog) (r [][]string) {
			for _, s := range c.Settings {
				restart := "-"
				if s.RestartRequired != nil {
					restart = map[bool]string{true: "Yes", false: "No"}[*s.RestartRequired]
				}
				r = append(r, []string{s.Name, s.Default, s.Values, restart, string(s.Status)})
			}
			return r
		},
	},
}

// orNone makes a missing surface name visible rather than blank.
func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// catalogCommand builds `dtrep catalog` and its subcommands.
func catalogCommand() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:       "catalog events|errors|counters|traps|settings",
		Short:     "Print the reference vocabulary dtrep implements",
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"events", "errors", "counters", "traps", "settings"},
		RunE: func(cmd *cobra.Command, args []string) error {
			part, ok := catalogParts[args[0]]
			if !ok {
				return catalog.Err(catalog.CodeInvalidCommand, "unknown catalog part %q (events, errors, counters, traps, settings)", args[0])
			}
			cat, err := catalog.Load()
			if err != nil {
				return err
			}
			return printCatalogPart(cmd.OutOrStdout(), part, cat, format)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, json or csv")
	return cmd
}

func printCatalogPart(w io.Writer, part catalogPart, cat *catalog.Catalog, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(part.value(cat))
	case "csv":
		cw := csv.NewWriter(w)
		_ = cw.Write(part.columns)
		_ = cw.WriteAll(part.rows(cat))
		return cw.Error()
	case "table":
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.Join(part.columns, "\t"))
		for _, r := range part.rows(cat) {
			fmt.Fprintln(tw, strings.Join(r, "\t"))
		}
		return tw.Flush()
	}
	return catalog.Err(catalog.CodeInvalidOption, "--format %q: allowed table, json, csv", format)
}
