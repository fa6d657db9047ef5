package view

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteText prints the whole view: the root items, then each folder as a
// table with one column per item, as the console's right pane shows a
// highlighted folder.
func WriteText(w io.Writer, v View) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "Server Properties")
	writeItems(tw, v.Root)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "Connections")
	rows := make([]Fields, len(v.Connections))
	for i, c := range v.Connections {
		rows[i] = c.Row
	}
	writeTable(tw, rows)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "Replication sets")
	rows = make([]Fields, len(v.ReplicationSets))
	for i, s := range v.ReplicationSets {
		rows[i] = s.Row
	}
	writeTable(tw, rows)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "Target connection entries")
	rows = make([]Fields, len(v.TargetEntries))
	for i, e := range v.TargetEntries {
		rows[i] = e.Row
	}
	writeTable(tw, rows)
	return tw.Flush()
}

// WriteConnection prints one connection's specific items.
func WriteConnection(w io.Writer, c Connection) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Connection %d (%s)\n", c.ID, c.Job)
	writeItems(tw, c.Items)
	if c.ChangeCapture != "" {
		fmt.Fprintf(tw, "  %s:\t%s\n", ChangeCaptureItem, cell(c.ChangeCapture))
	}
	writePaths(tw, c.Paths)
	return tw.Flush()
}

// WriteSet prints one replication set's specific items.
func WriteSet(w io.Writer, s ReplicationSet) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Replication set %s\n", s.Name)
	writeItems(tw, s.Items)
	writePaths(tw, s.Paths)
	return tw.Flush()
}

// WriteEntry prints one target connection entry's specific items.
func WriteEntry(w io.Writer, e TargetEntry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Target connection entry %d\n", e.ID)
	writeItems(tw, e.Items)
	if len(e.Snapshots) > 0 {
		fmt.Fprintln(tw)
		writeTable(tw, e.Snapshots)
	}
	return tw.Flush()
}

func writeItems(w io.Writer, fs Fields) {
	for _, f := range fs {
		fmt.Fprintf(w, "  %s:\t%s\n", f.Name, cell(f.Value))
	}
}

func writePaths(w io.Writer, ps []Path) {
	fmt.Fprintln(w)
	fmt.Fprintln(w, "  Path\tAttributes")
	for _, p := range ps {
		fmt.Fprintf(w, "  %s\t%s\n", cell(p.Path), p.Attributes)
	}
}

// writeTable prints rows under the first row's item names; with no rows,
// "(none)" says the folder is empty.
func writeTable(w io.Writer, rows []Fields) {
	if len(rows) == 0 {
		fmt.Fprintln(w, "  (none)")
		return
	}
	names := make([]string, len(rows[0]))
	for i, f := range rows[0] {
		names[i] = f.Name
	}
	fmt.Fprintln(w, "  "+strings.Join(names, "\t"))
	for _, r := range rows {
		vals := make([]string, len(r))
		for i, f := range r {
			vals[i] = cell(f.Value)
		}
		fmt.Fprintln(w, "  "+strings.Join(vals, "\t"))
	}
}

// cell keeps a value on one table cell: tabs and line breaks would break
// the columns, and an empty value would leave a hole readers misalign.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(s)
}
