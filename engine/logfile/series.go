package logfile

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// MaxSeriesNumber is the highest series number; the next file is number 1.
const MaxSeriesNumber = 999

// SeriesOptions name a series and bound it.
type SeriesOptions struct {
	Dir  string
	Base string // "dtlog"
	Ext  string // ".dtl"
	// MaxSize closes a file once the next line would take it past this
	// many bytes (MaxLogFileSize). A single longer line still gets a file.
	MaxSize int64
	// MaxFiles is how many files may exist at once (MaxNumberOfLogFiles);
	// the oldest are deleted when a new file would exceed it.
	MaxFiles int
}

// Series appends lines to a numbered series of files. It is safe for
// concurrent use; each Write is one whole line and never straddles files.
type Series struct {
	mu    sync.Mutex
	opts  SeriesOptions
	f     *os.File
	cur   int   // series number of f
	size  int64 // bytes in f
	files []int // existing series numbers, oldest first; the last is cur
}

// OpenSeries opens a series, continuing in its newest file.
func OpenSeries(o SeriesOptions) (*Series, error) {
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("log directory: %w", err)
	}
	nums, err := seriesNumbers(o.Dir, o.Base, o.Ext)
	if err != nil {
		return nil, err
	}
	s := &Series{opts: o, files: nums}
	s.normalise()
	if len(nums) == 0 {
		return s, s.create(1)
	}
	s.cur = nums[len(nums)-1]
	f, err := os.OpenFile(s.path(s.cur), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening log: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening log: %w", err)
	}
	s.f, s.size = f, fi.Size()
	return s, nil
}

func (s *Series) normalise() {
	if s.opts.MaxFiles < 1 {
		s.opts.MaxFiles = 1
	}
	if s.opts.MaxFiles > MaxSeriesNumber {
		s.opts.MaxFiles = MaxSeriesNumber
	}
	if s.opts.MaxSize < 1 {
		s.opts.MaxSize = 1
	}
}

func (s *Series) path(n int) string {
	return filepath.Join(s.opts.Dir, s.opts.Base+strconv.Itoa(n)+s.opts.Ext)
}

// SetLimits changes MaxSize and MaxFiles; both settings apply without a
// restart. A lower MaxFiles takes effect at the next new file.
func (s *Series) SetLimits(maxSize int64, maxFiles int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.MaxSize, s.opts.MaxFiles = maxSize, maxFiles
	s.normalise()
}

// Write appends one line, opening the next file first when this one is full.
func (s *Series) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return 0, os.ErrClosed
	}
	if s.size > 0 && s.size+int64(len(p)) > s.opts.MaxSize {
		if err := s.create(s.cur%MaxSeriesNumber + 1); err != nil {
			return 0, err
		}
	}
	n, err := s.f.Write(p)
	s.size += int64(n)
	if err != nil {
		return n, fmt.Errorf("writing %s: %w", s.f.Name(), err)
	}
	return n, nil
}

// create starts file n (re-creating it when the series wrapped onto it) and
// deletes the oldest files beyond MaxFiles.
func (s *Series) create(n int) error {
	f, err := os.OpenFile(s.path(n), os.O_WRONLY|os.O_APPEND|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("creating log: %w", err)
	}
	if s.f != nil {
		_ = s.f.Close()
	}
	s.f, s.cur, s.size = f, n, 0
	kept := s.files[:0]
	for _, m := range s.files {
		if m != n {
			kept = append(kept, m)
		}
	}
	s.files = append(kept, n)
	for len(s.files) > s.opts.MaxFiles {
		if err := os.Remove(s.path(s.files[0])); err != nil && !os.IsNotExist(err) {
			return fmt.Errorf("deleting old log: %w", err)
		}
		s.files = s.files[1:]
	}
	return nil
}

// Current is the path of the file being written.
func (s *Series) Current() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.path(s.cur)
}

// Sync flushes the current file to stable storage.
func (s *Series) Sync() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	return s.f.Sync()
}

// Close closes the current file.
func (s *Series) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	return err
}

// SeriesFiles lists a series' files oldest first.
func SeriesFiles(dir, base, ext string) ([]string, error) {
	nums, err := seriesNumbers(dir, base, ext)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(nums))
	for i, n := range nums {
		out[i] = filepath.Join(dir, base+strconv.Itoa(n)+ext)
	}
	return out, nil
}

// seriesNumbers returns the numbers of the series' files, oldest first.
// Numbers wrap from 999 to 1, so the order is found from the numbers
// themselves: the files in use are a run of consecutive numbers around the
// circle, and the oldest is the one after the widest gap. That is exact
// where modification times are not (they tick only every few
// milliseconds). When every number exists there is no gap, and the newest
// file is the most recently modified one.
func seriesNumbers(dir, base, ext string) ([]int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("listing logs: %w", err)
	}
	var nums []int
	for _, e := range ents {
		if n, ok := seriesNumber(e.Name(), base, ext); ok && e.Type().IsRegular() {
			nums = append(nums, n)
		}
	}
	if len(nums) < 2 {
		return nums, nil
	}
	sort.Ints(nums)
	start := 0 // index of the oldest file
	if len(nums) == MaxSeriesNumber {
		start = (newestByTime(dir, base, ext, nums) + 1) % len(nums)
	} else {
		widest := -1
		for i := range nums {
			prev := nums[(i+len(nums)-1)%len(nums)]
			gap := (nums[i] - prev + MaxSeriesNumber) % MaxSeriesNumber
			if gap > widest {
				widest, start = gap, i
			}
		}
	}
	return append(nums[start:len(nums):len(nums)], nums[:start]...), nil
}

func newestByTime(dir, base, ext string, nums []int) int {
	best, bestTime := 0, int64(-1)
	for i, n := range nums {
		fi, err := os.Stat(filepath.Join(dir, base+strconv.Itoa(n)+ext))
		if err == nil && fi.ModTime().UnixNano() >= bestTime {
			best, bestTime = i, fi.ModTime().UnixNano()
		}
	}
	return best
}

// seriesNumber reads N from BASE<N>EXT.
func seriesNumber(name, base, ext string) (int, bool) {
	rest, ok := strings.CutPrefix(name, base)
	if !ok {
		return 0, false
	}
	digits, ok := strings.CutSuffix(rest, ext)
	if !ok {
		return 0, false
	}
	if digits == "" || digits[0] == '0' {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 1 || n > MaxSeriesNumber {
		return 0, false
	}
	return n, true
}
