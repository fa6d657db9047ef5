package verifylog

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// TimeLayout is how the log shows times.
const TimeLayout = time.ANSIC

// Options say where the log is and how it grows.
type Options struct {
	Dir    string // LogDir
	Name   string // VerifyLogName
	Limit  int64  // VerifyLogLimit, bytes; 0 or less: no limit
	Append bool   // VerifyLogAppend
}

// Path is the log's file.
func (o Options) Path() string { return filepath.Join(o.Dir, filepath.Base(o.Name)) }

// Log is an open verification log. Its methods may be called from one
// verification at a time.
type Log struct {
	mu   sync.Mutex
	o    Options
	f    *os.File
	size int64
}

// Open opens (creating) the log; without Append it is emptied first.
func Open(o Options) (*Log, error) {
	if o.Name == "" || filepath.Base(o.Name) != o.Name || o.Name == "." || o.Name == ".." {
		return nil, fmt.Errorf("verification log name %q must be a file name", o.Name)
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("verification log: %w", err)
	}
	flags := os.O_WRONLY | os.O_CREATE | os.O_APPEND
	if !o.Append {
		flags |= os.O_TRUNC
	}
	f, err := os.OpenFile(o.Path(), flags, 0o644)
	if err != nil {
		return nil, fmt.Errorf("verification log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("verification log: %w", err)
	}
	return &Log{o: o, f: f, size: fi.Size()}, nil
}

// write adds one record (one or more whole lines), rolling first when the
// record would pass the limit.
func (l *Log) write(rec string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return os.ErrClosed
	}
	if l.o.Limit > 0 && l.size > 0 && l.size+int64(len(rec)) > l.o.Limit {
		if err := l.roll(); err != nil {
			return err
		}
	}
	if l.o.Limit > 0 && int64(len(rec)) > l.o.Limit {
		rec = rec[:l.o.Limit-1] + "\n" // a single record larger than the whole log
	}
	n, err := l.f.WriteString(rec)
	l.size += int64(n)
	if err != nil {
		return fmt.Errorf("verification log: %w", err)
	}
	return nil
}

func (l *Log) roll() error {
	if err := l.f.Close(); err != nil {
		return fmt.Errorf("verification log: %w", err)
	}
	l.f = nil
	if err := os.Rename(l.o.Path(), l.o.Path()+".1"); err != nil {
		return fmt.Errorf("verification log: %w", err)
	}
	f, err := os.OpenFile(l.o.Path(), os.O_WRONLY|os.O_CREATE|os.O_TRUNC|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("verification log: %w", err)
	}
	l.f, l.size = f, 0
	return nil
}

// Close closes the log.
func (l *Log) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// Connection names the verified connection in the log.
type Connection struct {
	ID         int
	Set        string // replication set
	Target     string // target address
	TargetPath string
	Checksum   bool
}

func (c Connection) describe() string {
	return fmt.Sprintf("%s --> %s %s", c.Set, c.Target, c.TargetPath)
}

// Begin starts a verification's section.
func (l *Log) Begin(c Connection, t time.Time) error {
	mode := "CHECKSUM DISABLED"
	if c.Checksum {
		mode = "CHECKSUM ENABLED"
	}
	return l.write(fmt.Sprintf("--- VERIFICATION OF CONNECTION %d, %s (%s) ---\nStart Time: %s for connection %d (%s)\n",
		c.ID, mode, c.describe(), t.Format(TimeLayout), c.ID, c.describe()))
}

// Attrs are one side's attributes of a path.
type Attrs struct {
	Exists bool
	Type   string // "file", "dir", "symlink", "other"
	Size   int64
	Mtime  time.Time
	Mode   uint32
	Link   string // symlink target
}

func (a Attrs) String() string {
	if !a.Exists {
		return "(none)"
	}
	s := fmt.Sprintf("Type = %s Timestamp = %s Size = %d Mode = %04o", a.Type, a.Mtime.Format(TimeLayout), a.Size, a.Mode)
	if a.Link != "" {
		s += " Link = " + safe(a.Link)
	}
	return s
}

// Kinds of difference.
const (
	DifferentOnTarget = "DIFFERENT ON TARGET"
	MissingOnTarget   = "MISSING ON TARGET"
	OrphanOnTarget    = "ORPHAN ON TARGET"
)

// Diff is one path that differs.
type Diff struct {
	Path       string
	Kind       string // DifferentOnTarget, MissingOnTarget, OrphanOnTarget
	Source     Attrs
	Target     Attrs
	OutOfSync  int64 // bytes whose blocks differ; -1 when not compared
	Reasons    []string
	Fixed      bool // a synchronisation was queued
	FixSkipped string
}

// Difference records one differing path.
func (l *Log) Difference(d Diff) error {
	var b strings.Builder
	fmt.Fprintf(&b, "File: %s %s\n", safe(d.Path), d.Kind)
	if d.Kind != OrphanOnTarget {
		fmt.Fprintf(&b, "\tSource Attributes: %s\n", d.Source)
	}
	fmt.Fprintf(&b, "\tTarget Attributes: %s\n", d.Target)
	if len(d.Reasons) > 0 {
		fmt.Fprintf(&b, "\tDiffers in: %s\n", strings.Join(d.Reasons, ", "))
	}
	if d.OutOfSync >= 0 {
		fmt.Fprintf(&b, "\t%d BYTES OUT OF SYNC\n", d.OutOfSync)
	}
	switch {
	case d.Fixed:
		b.WriteString("\tSYNCHRONIZED\n")
	case d.FixSkipped != "":
		fmt.Fprintf(&b, "\tNOT SYNCHRONIZED: %s\n", d.FixSkipped)
	}
	return l.write(b.String())
}

// Summary closes a verification's section.
type Summary struct {
	Files, Dirs, Bytes int64 // verified on the source
	Different, Missing int64
	Orphans            int64
	Synchronized       int64
	Err                error // why the verification did not complete; nil when it did
}

// End closes the section.
func (l *Log) End(c Connection, t time.Time, s Summary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "End Time: %s for connection %d (%s)\n", t.Format(TimeLayout), c.ID, c.describe())
	fmt.Fprintf(&b, "Verified %d files and %d directories (%d bytes): %d different, %d missing on target, %d orphans on target, %d synchronized\n",
		s.Files, s.Dirs, s.Bytes, s.Different, s.Missing, s.Orphans, s.Synchronized)
	if s.Err != nil {
		fmt.Fprintf(&b, "VERIFICATION DID NOT COMPLETE: %s\n", oneLine(s.Err.Error()))
	}
	return l.write(b.String())
}

func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

// safe keeps a name from the file system on one line: a name holding
// control characters is shown quoted.
func safe(name string) string {
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return strconv.Quote(name)
		}
	}
	return name
}
