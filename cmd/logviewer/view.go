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
		fi, err := os.Stat(o.path)
		if err != nil {
			return nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "-PATH")
		}
		if !fi.IsDir() && !fi.Mode().IsRegular() {
			// A device or a pipe may never end (/dev/zero) and is no log.
			return nil, catalog.Err(catalog.CodeInvalidParameter, "-PATH %s is not a log file or directory (%s)", o.path, fi.Mode().Type())
		}
		return logfile.StreamFor(o.path), nil
	}
	st, err := settings.Open("")
	if err != nil {
		return nil, fmt.Errorf("no -PATH, and the settings give no LogDir: %w", err)
	}
	return logfile.SeriesStream{Dir: st.String(catalog.SettingLogDir), Base: logfile.EngineBase(st.String(catalog.SettingLogFile)),
		Ext: logfile.EngineExt}, nil
}

// sniffSize is how much of a log's first file is checked before anything
// is shown: a log line is well under it.
const sniffSize = 4 << 10

// checkLog refuses a stream whose first file does not start with a log
// line (a binary file, a foreign text): LogViewer shows logs, not
// arbitrary bytes. An empty or missing first file is a log not written yet.
func checkLog(s logfile.Stream) error {
	files, err := s.Files()
	if err != nil || len(files) == 0 {
		return err
	}
	f, err := os.Open(files[0])
	if err != nil {
		return nil // rotated away meanwhile: ReadFrom copes
	}
	defer f.Close()
	buf := make([]byte, sniffSize)
	n, _ := io.ReadFull(f, buf)
	if n == 0 {
		return nil
	}
	first, _, complete := strings.Cut(string(buf[:n]), "\n")
	if _, err := logfile.ParseLine(first); err != nil || (!complete && n == sniffSize) || strings.IndexByte(first, 0) >= 0 {
		return catalog.Err(catalog.CodeInvalidParameter, "%s is not a dtrep log (its first line is not a log line)", files[0])
	}
	return nil
}

// linesPerPass bounds one read of the log, so a log that grows faster than
// it is shown still lets a signal end the viewer.
const linesPerPass = 4096

// view prints the log's lines that pass the filters, then follows it until
// ctx ends.
func view(ctx context.Context, o options, stdout io.Writer) error {
	s, err := stream(o)
	if err != nil {
		return err
	}
	if err := checkLog(s); err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	var werr error
	read := 0
	show := func(line string) {
		read++
		if out, ok := o.format(line); ok && werr == nil {
			_, werr = w.WriteString(out + "\n")
		}
	}
	var pos logfile.Position
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		read = 0
		if pos, err = logfile.ReadFrom(s, pos, linesPerPass, show); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err // stdout closed: nobody reads any more
		}
		if werr != nil {
			return werr
		}
		if read == linesPerPass { // more is waiting: read on unless told to stop
			if ctx.Err() != nil {
				return nil
			}
			continue
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
	line = logfile.Escape(line) // a hand edit may hold anything
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
