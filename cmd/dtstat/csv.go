package main

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// csvFile writes -s or -st output: a header row of the catalog's
// dtstat_csv names, then rows. As the reference says of the ASCII file, the
// labels differ from the screen's, the target statistics are only in the
// -st file, and TargetOpenHandles is in neither (the catalog gives it no
// column).
type csvFile struct {
	w       *csv.Writer
	columns []catalog.Counter
	targets bool // -st: one row per target block; -s: one per connection
}

// stampName is the first column, the snapshot time.
const stampName = "Date/Time Stamp"

func newCSV(w io.Writer, cat *catalog.Catalog, targets bool) (*csvFile, error) {
	f := &csvFile{w: csv.NewWriter(w), targets: targets}
	stampCol, _ := cat.Counter(stampName)
	f.columns = append(f.columns, stampCol)
	for _, c := range cat.Counters {
		if c.DTStatCSV == "" || c.Name == stampName {
			continue
		}
		if (c.Scope == catalog.ScopeTarget) == targets {
			f.columns = append(f.columns, c)
		}
	}
	header := make([]string, len(f.columns))
	for i, c := range f.columns {
		header[i] = c.DTStatCSV
	}
	if err := f.w.Write(header); err != nil {
		return nil, fmt.Errorf("writing CSV: %w", err)
	}
	f.w.Flush() // a run that keeps no snapshot still leaves the header
	return f, f.w.Error()
}

// write adds the rows of one snapshot: one per connection (-s), with the
// server-wide statistics repeated on each, or one per target block (-st).
// A snapshot without connections still gives -s one row of server-wide
// statistics, so the file shows the server's activity over time.
func (f *csvFile) write(snap stats.Snapshot) error {
	var rows []stats.Instance
	if f.targets {
		rows = snap.Targets
	} else {
		rows = snap.Connections
		if len(rows) == 0 {
			rows = []stats.Instance{{}}
		}
	}
	server := map[catalog.Scope]stats.Instance{catalog.ScopeKernel: snap.Kernel,
		catalog.ScopeSecurity: snap.Security, catalog.ScopeSource: snap.Source}
	for _, row := range rows {
		rec := make([]string, len(f.columns))
		for i, c := range f.columns {
			switch {
			case c.Name == stampName:
				rec[i] = stamp(snap.Time)
			case c.Scope == catalog.ScopeConnection || c.Scope == catalog.ScopeTarget:
				if row.Scope != "" {
					rec[i] = csvValue(c, row)
				}
			default:
				rec[i] = csvValue(c, server[c.Scope])
			}
		}
		if err := f.w.Write(rec); err != nil {
			return fmt.Errorf("writing CSV: %w", err)
		}
	}
	f.w.Flush()
	return f.w.Error()
}

func csvValue(c catalog.Counter, in stats.Instance) string {
	v := value(c, in)
	if c.Unit == "percent" && c.Scope == catalog.ScopeConnection {
		v = v[:len(v)-1] // a number in a CSV column, without the sign
	}
	return v
}
