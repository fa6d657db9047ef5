package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/logfile"
	"github.com/dtrep/dtrep/engine/settings"
)

// pollEvery is how often new lines are looked for once the log is read.
var pollEvery = 250 * time.Millisecond

// stream picks the log -PATH names, or the engine log series in the
// settings' LogDir.
func stream(o options) (logfile.Stream, error) {
	if o.path != "" {
		if _, err := os.Stat(o.path); err != nil {
			return nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "-PATH")
		}
		return logfile.StreamFor(o.path), nil
	}
	st, err := settings.Open("")
	if err != nil {
		return nil, fmt.Errorf("no -PATH, and the settings give no LogDir: %w", err)
	}
	return logfile.SeriesStream{Dir: st.String("LogDir"), Base: logfile.EngineBase(st.String("LogFile")),
		Ext: logfile.EngineExt}, nil
}

// view prints the log's lines that pass the filters, then follows it until
// ctx ends.
func view(ctx context.Context, o options, stdout io.Writer) error {
	s, err := stream(o)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	var werr error
	show := func(line string) {
		if out, ok := o.format(line); ok && werr == nil {
			_, werr = w.WriteString(out + "\n")
		}
	}
	var pos logfile.Position
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		if pos, err = logfile.ReadFrom(s, pos, 0, show); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err // stdout closed: nobody reads any more
		}
		if werr != nil {
			return werr
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// format filters and trims one line. A line that is not in the log's eight
// columns (a hand edit, a foreign file) has no type or ID: it is shown
// only when no type or ID filter asks for one.
func (o options) format(line string) (string, bool) {
	cols, err := logfile.Columns(line)
	if err != nil {
		return line, o.maxType == 2 && o.include == nil
	}
	typ, err1 := strconv.Atoi(cols[colType])
	id, err2 := strconv.Atoi(cols[colID])
	if err1 != nil || err2 != nil {
		return line, o.maxType == 2 && o.include == nil
	}
	if typ > o.maxType {
		return "", false
	}
	if o.include != nil && !o.include.has(id) {
		return "", false
	}
	if o.exclude.has(id) {
		return "", false
	}
	kept := cols[:0:0]
	for i, c := range cols {
		if !o.hide[i] {
			kept = append(kept, c)
		}
	}
	return strings.Join(kept, "\t"), true
}
