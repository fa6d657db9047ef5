package logfile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dtrep/dtrep/engine/fsinfo"
)

// Stream is one log as a reader sees it: its files, oldest first.
type Stream interface {
	Files() ([]string, error)
}

// SeriesStream is the engine log series BASE<N>EXT in Dir.
type SeriesStream struct{ Dir, Base, Ext string }

// Files implements Stream.
func (s SeriesStream) Files() ([]string, error) { return SeriesFiles(s.Dir, s.Base, s.Ext) }

// RollingStream is a rolling log (master.log, a job log) and its older
// files.
type RollingStream struct{ Path string }

// Files implements Stream.
func (s RollingStream) Files() ([]string, error) { return RollingFiles(s.Path), nil }

// StreamFor picks the stream a path names, for LogViewer's -PATH: a
// directory is its engine log series, BASE<N>EXT is the series it belongs
// to (any base: LogFile may rename it), and anything else is a rolling log.
func StreamFor(path string) Stream {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return SeriesStream{Dir: path, Base: EngineBase(""), Ext: EngineExt}
	}
	dir, name := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if ext := filepath.Ext(name); ext == EngineExt {
		stem := strings.TrimSuffix(name, ext)
		base := strings.TrimRight(stem, "0123456789")
		if base != "" && base != stem {
			if _, ok := seriesNumber(name, base, ext); ok {
				return SeriesStream{Dir: filepath.Clean(dir), Base: base, Ext: ext}
			}
		}
	}
	return RollingStream{Path: path}
}

// Position is where a reader stopped: a file by identity and the offset
// after the last complete line read. The identity is the device and inode,
// which survive renames such as master.log becoming master.log.1, and the
// file's first bytes, because a deleted log's inode is often reused at once
// by the next file of the series. The zero Position is the start of the
// stream.
type Position struct {
	Dev    uint64 `json:"dev,omitempty"`
	Ino    uint64 `json:"ino,omitempty"`
	Name   string `json:"name,omitempty"` // where inodes are unknown
	Head   []byte `json:"head,omitempty"` // the file's first bytes (at most headSize)
	Offset int64  `json:"offset"`
}

// headSize covers a log line's date, time, process, thread and sequence
// columns: two files never start with the same ones.
const headSize = 64

func identify(path string) (Position, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return Position{}, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Position{}, 0, err
	}
	head := make([]byte, headSize)
	n, _ := io.ReadFull(f, head)
	in := fsinfo.Of(fi)
	return Position{Dev: in.Dev, Ino: in.Ino, Name: filepath.Base(path), Head: head[:n]}, fi.Size(), nil
}

// same reports whether q (a file now) is the file p was read from. A file
// read while shorter than headSize has grown since: its old head is a
// prefix of its head now.
func (p Position) same(q Position) bool {
	if !bytes.HasPrefix(q.Head, p.Head) {
		return false
	}
	if p.Ino != 0 || q.Ino != 0 {
		return p.Dev == q.Dev && p.Ino == q.Ino
	}
	return p.Name == q.Name
}

func (p Position) isZero() bool { return p.Ino == 0 && p.Name == "" && p.Offset == 0 }

// ReadFrom reads the stream's complete lines after pos, at most limit of
// them (limit <= 0: no limit), handing each to fn without its newline, and
// returns the position to continue from. A file older than the newest is
// finished, so its unterminated last line (a crash mid-write) is read too;
// in the newest file a partial line waits for its end. When pos's file no
// longer exists, its lines are lost and reading resumes at the oldest file.
func ReadFrom(s Stream, pos Position, limit int, fn func(line string)) (Position, error) {
	files, err := s.Files()
	if err != nil {
		return pos, err
	}
	start, offset := 0, int64(0)
	ids := make([]Position, len(files))
	sizes := make([]int64, len(files))
	for i, f := range files {
		ids[i], sizes[i], err = identify(f)
		if err != nil {
			ids[i].Name = "" // vanished between listing and stat: skipped below
			continue
		}
		if !pos.isZero() && pos.same(ids[i]) {
			start, offset = i, pos.Offset
			if offset > sizes[i] { // re-created: everything in it is new
				offset = 0
			}
		}
	}
	n := 0
	for i := start; i < len(files); i++ {
		if ids[i].Name == "" {
			continue
		}
		if i > start {
			offset = 0
		}
		last := i == len(files)-1
		end, read, err := readLines(files[i], offset, !last, limit-n, limit > 0, fn)
		n += read
		pos = ids[i]
		pos.Offset = end
		if err != nil {
			return pos, err
		}
		if limit > 0 && n >= limit {
			break
		}
	}
	return pos, nil
}

// readLines reads lines of path from offset; whole includes an
// unterminated last line. It returns the offset after the last line read.
func readLines(path string, offset int64, whole bool, room int, bounded bool, fn func(string)) (int64, int, error) {
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return offset, 0, nil
		}
		return offset, 0, fmt.Errorf("reading log: %w", err)
	}
	defer f.Close()
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return offset, 0, fmt.Errorf("reading log: %w", err)
	}
	r := bufio.NewReaderSize(f, 64<<10)
	n := 0
	for !bounded || n < room {
		b, err := r.ReadBytes('\n')
		if len(b) > 0 && (err == nil || whole) {
			offset += int64(len(b))
			fn(string(bytes.TrimRight(b, "\r\n")))
			n++
		}
		if err == io.EOF {
			return offset, n, nil
		}
		if err != nil {
			return offset, n, fmt.Errorf("reading %s: %w", path, err)
		}
	}
	return offset, n, nil
}

// Tail returns the last n complete lines of the stream (all of them when
// n <= 0), oldest first, and the position after them. It reads files from
// the newest back, so a short tail of a long series costs one file or two.
func Tail(s Stream, n int) ([]string, Position, error) {
	files, err := s.Files()
	if err != nil || len(files) == 0 {
		return nil, Position{}, err
	}
	var lines []string
	var end Position
	for i := len(files) - 1; i >= 0; i-- {
		id, _, err := identify(files[i])
		if err != nil {
			continue // vanished since the listing
		}
		var these []string
		off, _, err := readLines(files[i], 0, i != len(files)-1, 0, false, func(l string) { these = append(these, l) })
		if err != nil {
			return nil, Position{}, err
		}
		if end.isZero() {
			end = id
			end.Offset = off
		}
		lines = append(these, lines...)
		if n > 0 && len(lines) >= n {
			lines = lines[len(lines)-n:]
			break
		}
	}
	return lines, end, nil
}
