package statsfile

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// Settings is what statistics logging reads, live: none of its settings
// needs a restart.
type Settings interface {
	Int(id catalog.SettingID) int64
	String(id catalog.SettingID) string
}

// LoggerOptions configure a Logger.
type LoggerOptions struct {
	Settings Settings // StatsLoggingOn, StatsFileName, StatsWriteInterval, StatsMaxFileSize, SaveStatFile, LogDir
	Catalog  *catalog.Catalog
	Server   string
	Snapshot func() stats.Snapshot
	// Tick is how often the settings are looked at and, with a
	// StatsWriteInterval of 0, how often a snapshot is written; 0 means a
	// second, the reference's DTStat rate.
	Tick time.Duration
	Log  *slog.Logger // nil discards
}

// Logger is statistics logging: while StatsLoggingOn is 1 it writes a
// snapshot to StatsFileName every StatsWriteInterval minutes. An interval
// of 0 writes at every Tick, the rate DTStat itself samples at. When the
// next snapshot would take the file past StatsMaxFileSize, or when logging
// starts, the file is kept as <name>-old<ext> if SaveStatFile is 1 and
// overwritten if it is 0, and a new file is begun. The reference calls
// StatsMaxFileSize a size "in MB" but gives 10485760 as its default, which
// is 10 MB in bytes: dtrep reads it as bytes.
type Logger struct {
	o    LoggerOptions
	w    *Writer
	last time.Time
	warn bool // a failure was logged; quiet until a write succeeds
}

// NewLogger prepares statistics logging; Serve runs it.
func NewLogger(o LoggerOptions) *Logger {
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Logger{o: o}
}

// Path is where StatsFileName puts the file: relative names are in LogDir.
func Path(set Settings) string {
	name := set.String(catalog.SettingStatsFileName)
	if name == "" {
		name = "statistic.sts"
	}
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(set.String(catalog.SettingLogDir), name)
}

// OldPath is where SaveStatFile keeps the previous file: statistic.sts
// becomes statistic-old.sts.
func OldPath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-old" + ext
}

// Serve logs statistics until ctx ends, then writes a last snapshot so the
// file ends with the final values.
func (l *Logger) Serve(ctx context.Context) error {
	t := time.NewTicker(l.o.Tick)
	defer t.Stop()
	for {
		l.step(time.Now())
		select {
		case <-ctx.Done():
			if l.w != nil {
				l.report(l.write(l.o.Snapshot()))
				l.report(l.close())
			}
			return nil
		case <-t.C:
		}
	}
}

// step starts, stops or writes as the settings say now.
func (l *Logger) step(now time.Time) {
	if l.o.Settings.Int(catalog.SettingStatsLoggingOn) == 0 {
		l.report(l.close())
		return
	}
	path := Path(l.o.Settings)
	if l.w != nil && l.w.Path() != path {
		l.report(l.close()) // StatsFileName or LogDir changed
	}
	if l.w == nil {
		if err := l.start(path); err != nil {
			l.report(err)
			return
		}
		l.last = time.Time{}
	}
	every := time.Duration(l.o.Settings.Int(catalog.SettingStatsWriteInterval)) * time.Minute
	if !l.last.IsZero() && now.Sub(l.last) < every {
		return
	}
	l.last = now
	l.report(l.write(l.o.Snapshot()))
}

// start begins a new file, keeping or dropping the previous one.
func (l *Logger) start(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("statistics file: %w", err)
	}
	if l.o.Settings.Int(catalog.SettingSaveStatFile) != 0 {
		if err := os.Rename(path, OldPath(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("keeping the old statistics file: %w", err)
		}
	}
	w, err := Create(path, l.o.Catalog, l.o.Server)
	if err != nil {
		return err
	}
	l.w = w
	return nil
}

func (l *Logger) write(snap stats.Snapshot) error {
	rec := l.w.Record(snap)
	if max := l.o.Settings.Int(catalog.SettingStatsMaxFileSize); max > 0 && l.w.Size()+int64(len(rec)) > max && l.w.Size() > fileHeaderSize {
		path := l.w.Path()
		if err := l.close(); err != nil {
			return err
		}
		if err := l.start(path); err != nil {
			return err
		}
		rec = l.w.Record(snap)
	}
	return l.w.WriteRecord(rec)
}

func (l *Logger) close() error {
	if l.w == nil {
		return nil
	}
	err := errors.Join(l.w.Sync(), l.w.Close())
	l.w = nil
	return err
}

// report logs the first of a run of failures; statistics logging must never
// stop the engine, nor flood its log.
func (l *Logger) report(err error) {
	if err == nil {
		l.warn = false
		return
	}
	if !l.warn {
		l.o.Log.Warn("statistics logging", "err", err)
		l.warn = true
	}
}
