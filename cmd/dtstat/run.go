package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/mgmt"
	"github.com/dtrep/dtrep/engine/stats"
	"github.com/dtrep/dtrep/engine/statsfile"
)

// sink receives each snapshot DTStat shows or saves.
type sink struct {
	cat       *catalog.Catalog
	screen    io.Writer // nil with -p
	bin       *statsfile.Writer
	conn, tgt *csvFile
	closers   []io.Closer
}

func openSink(o options, cat *catalog.Catalog, stdout io.Writer) (*sink, error) {
	s := &sink{cat: cat}
	if !o.noPrint {
		s.screen = stdout
	}
	var err error
	if o.toBinary != "" {
		if s.bin, err = statsfile.Create(o.toBinary, cat, ""); err != nil {
			return nil, err
		}
		s.closers = append(s.closers, s.bin)
	}
	for _, c := range []struct {
		path    string
		dst     **csvFile
		targets bool
	}{{o.connCSV, &s.conn, false}, {o.targetCSV, &s.tgt, true}} {
		if c.path == "" {
			continue
		}
		f, err := os.Create(c.path)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("CSV file: %w", err)
		}
		s.closers = append(s.closers, f)
		if *c.dst, err = newCSV(f, cat, c.targets); err != nil {
			s.close()
			return nil, err
		}
	}
	return s, nil
}

func (s *sink) emit(snap stats.Snapshot) error {
	var err error
	if s.screen != nil {
		err = errors.Join(err, writeScreen(s.screen, s.cat, snap))
	}
	if s.bin != nil {
		err = errors.Join(err, s.bin.Write(snap))
	}
	if s.conn != nil {
		err = errors.Join(err, s.conn.write(snap))
	}
	if s.tgt != nil {
		err = errors.Join(err, s.tgt.write(snap))
	}
	return err
}

func (s *sink) close() error {
	var err error
	for _, c := range s.closers {
		err = errors.Join(err, c.Close())
	}
	return err
}

// execute runs DTStat on a file (-f) or on a live server until ctx ends.
func execute(ctx context.Context, o options, stdout io.Writer) (err error) {
	cat := catalog.Must()
	s, err := openSink(o, cat, stdout)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.close()) }()
	if o.from != "" {
		return fromFile(o, s)
	}
	return live(ctx, o, s)
}

// fromFile shows or converts a saved statistics file. A torn last record
// (the writer's server lost power) or damaged records are skipped, and said
// so on the screen, but do not fail the run.
func fromFile(o options, s *sink) error {
	f, err := statsfile.Open(o.from)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		snap, err := f.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if !o.keep(snap) {
			continue
		}
		if err := s.emit(o.filterIP(snap)); err != nil {
			return err
		}
	}
	if h := f.Health(); (h.Torn || h.Damaged > 0) && s.screen != nil {
		fmt.Fprintf(s.screen, "(%s: %d damaged records and %d bytes skipped; torn last record: %v)\n",
			o.from, h.Damaged, h.Skipped, h.Torn)
	}
	return nil
}

// statsSource is what live mode reads: the management API.
type statsSource interface {
	Stats(ctx context.Context) (stats.Snapshot, error)
}

// newSource connects to the server: -Server's TCP listener, else the local
// management socket. Tests replace it.
var newSource = func(o options) (statsSource, func(), error) {
	if o.server == "" {
		c := mgmt.NewClient(mgmt.DefaultSocket())
		return c, c.Close, nil
	}
	token := os.Getenv(mgmt.TokenEnv)
	if token == "" {
		return nil, nil, catalog.Err(catalog.CodeInvalidParameter, "-Server needs the management token in $%s", mgmt.TokenEnv)
	}
	tlsConfig, err := mgmt.CAConfig(os.Getenv(mgmt.CAFileEnv))
	if err != nil {
		return nil, nil, err
	}
	c, err := mgmt.NewTCPClient("https://"+o.server, token, tlsConfig)
	if err != nil {
		return nil, nil, err
	}
	return c, c.Close, nil
}

// live polls the server every interval and passes on each snapshot that
// differs from the last one passed on: while nothing changes, DTStat
// writes nothing. It ends with ctx (Ctrl-C) or once -Stop has passed.
func live(ctx context.Context, o options, s *sink) error {
	src, closeSrc, err := newSource(o)
	if err != nil {
		return err
	}
	defer closeSrc()
	var prev *stats.Snapshot
	t := time.NewTicker(o.interval)
	defer t.Stop()
	for {
		snap, err := src.Stats(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		if !o.stop.IsZero() && snap.Time.After(o.stop) {
			return nil
		}
		snap = o.filterIP(snap)
		if o.keep(snap) && (prev == nil || changed(*prev, snap)) {
			if err := s.emit(snap); err != nil {
				return err
			}
			prev = &snap
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// changed compares two snapshots' statistics, not their times.
func changed(a, b stats.Snapshot) bool {
	a.Time, b.Time = time.Time{}, time.Time{}
	return !reflect.DeepEqual(a, b)
}
