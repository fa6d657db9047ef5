package logfile

import (
	"bufio"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// Class is how LogMessageLevel sorts a message: 1 logs alerts only, 2 alerts
// and release messages, 3 debug messages too, 0 nothing.
type Class int

const (
	ClassAlert   Class = 1 // warnings and errors
	ClassRelease Class = 2 // information
	ClassDebug   Class = 3
)

// Settings is what the engine log reads, live: LogMessageLevel,
// MaxLogFileSize and MaxNumberOfLogFiles apply without a restart.
type Settings interface {
	Int(id catalog.SettingID) int64
	String(id catalog.SettingID) string
}

// EngineBase is the engine log's file base name for a LogFile setting. The
// reference's default LogFile is "DTLog" and its files are dtlog<N>.dtl: the
// default maps to that lower-case name, any other value is used as written.
func EngineBase(logFile string) string {
	if logFile == "" || strings.EqualFold(logFile, "DTLog") {
		return "dtlog"
	}
	return logFile
}

// EngineExt is the engine log's file extension.
const EngineExt = ".dtl"

// Log is a log with the reference's columns over a Series or a Rolling
// file: it numbers lines and fills the process and thread columns.
type Log struct {
	w     io.WriteCloser
	set   Settings // nil: every class is logged and limits never change
	pid   int
	mu    sync.Mutex
	seq   uint64
	buf   []byte
	limit struct{ size, files int64 }
}

// OpenEngineLog opens the engine log series in LogDir.
func OpenEngineLog(set Settings) (*Log, error) {
	s, err := OpenSeries(SeriesOptions{Dir: set.String(catalog.SettingLogDir), Base: EngineBase(set.String(catalog.SettingLogFile)),
		Ext: EngineExt, MaxSize: set.Int(catalog.SettingMaxLogFileSize), MaxFiles: int(set.Int(catalog.SettingMaxNumberOfLogFiles))})
	if err != nil {
		return nil, err
	}
	e := newLog(s, set)
	e.seq = lastSeq(s.Current())
	return e, nil
}

// NewLog wraps any line sink (a Rolling file for master.log and job logs)
// with the reference's columns; every class is logged.
func NewLog(w io.WriteCloser) *Log { return newLog(w, nil) }

func newLog(w io.WriteCloser, set Settings) *Log {
	return &Log{w: w, set: set, pid: os.Getpid()}
}

// Enabled reports whether LogMessageLevel lets messages of class through.
func (e *Log) Enabled(c Class) bool {
	if e.set == nil {
		return c != ClassDebug
	}
	return int64(c) <= e.set.Int(catalog.SettingLogMessageLevel)
}

// Log writes one message if its class is enabled. typ is TypeAlert or
// TypeInfo, id the message ID (0 for none).
func (e *Log) Log(t time.Time, c Class, typ, id int, text string) error {
	if !e.Enabled(c) {
		return nil
	}
	tid := threadID()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.applyLimits()
	e.seq++
	e.buf = Line{Time: t, PID: e.pid, TID: tid, Seq: e.seq, Type: typ, ID: id, Text: text}.Append(e.buf[:0])
	_, err := e.w.Write(e.buf)
	return err
}

// applyLimits passes changed size settings to the series.
func (e *Log) applyLimits() {
	s, ok := e.w.(*Series)
	if !ok || e.set == nil {
		return
	}
	size, files := e.set.Int(catalog.SettingMaxLogFileSize), e.set.Int(catalog.SettingMaxNumberOfLogFiles)
	if size != e.limit.size || files != e.limit.files {
		e.limit.size, e.limit.files = size, files
		s.SetLimits(size, int(files))
	}
}

// Close closes the underlying file.
func (e *Log) Close() error { return e.w.Close() }

// lastSeq reads the sequence number of the last line of path, so that the
// numbers stay unique across restarts of the service.
func lastSeq(path string) uint64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0
	}
	const tail = 64 << 10
	off := max(0, fi.Size()-tail)
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		return 0
	}
	var last uint64
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), tail+1)
	for sc.Scan() {
		if l, err := ParseLine(sc.Text()); err == nil {
			last = l.Seq
		}
	}
	return last
}
