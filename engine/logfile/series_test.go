package logfile

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func openTestSeries(t *testing.T, dir string, size int64, files int) *Series {
	t.Helper()
	s, err := OpenSeries(SeriesOptions{Dir: dir, Base: "dtlog", Ext: ".dtl", MaxSize: size, MaxFiles: files})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// line10 is a 10-byte line.
func line10(i int) []byte { return []byte(fmt.Sprintf("line %04d\n", i)) }

func TestSeriesRotatesAtMaxSizeAndDeletesTheOldest(t *testing.T) {
	dir := t.TempDir()
	s := openTestSeries(t, dir, 30, 5)
	// Three 10-byte lines fill a file; 18 lines make six files, and the
	// sixth deletes the first, as the reference's example says.
	for i := 0; i < 18; i++ {
		if _, err := s.Write(line10(i)); err != nil {
			t.Fatal(err)
		}
	}
	got := names(t, dir, "dtlog*.dtl")
	want := []string{"dtlog2.dtl", "dtlog3.dtl", "dtlog4.dtl", "dtlog5.dtl", "dtlog6.dtl"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	if l := readLinesOf(t, filepath.Join(dir, "dtlog2.dtl")); !reflect.DeepEqual(l, []string{"line 0003", "line 0004", "line 0005"}) {
		t.Errorf("dtlog2.dtl holds %q", l)
	}
	if s.Current() != filepath.Join(dir, "dtlog6.dtl") {
		t.Errorf("writing %s", s.Current())
	}
}

func TestSeriesLongLineGetsAFileOfItsOwn(t *testing.T) {
	dir := t.TempDir()
	s := openTestSeries(t, dir, 30, 5)
	s.Write(line10(1))
	long := []byte(strings.Repeat("x", 99) + "\n")
	s.Write(long)
	s.Write(line10(2))
	if got := names(t, dir, "*.dtl"); !reflect.DeepEqual(got, []string{"dtlog1.dtl", "dtlog2.dtl", "dtlog3.dtl"}) {
		t.Fatalf("files %v", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "dtlog2.dtl")); string(b) != string(long) {
		t.Errorf("dtlog2.dtl = %q", b)
	}
}

func TestSeriesWrapsFrom999To1(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []int{997, 998, 999} {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("dtlog%d.dtl", n)), line10(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := openTestSeries(t, dir, 20, 3)
	if s.Current() != filepath.Join(dir, "dtlog999.dtl") {
		t.Fatalf("continues in %s, want dtlog999.dtl", s.Current())
	}
	for i := 0; i < 4; i++ {
		s.Write(line10(i))
	}
	// 999 had one line and takes one more; 1 gets two lines and 2 one,
	// and each new file deletes the oldest (997, then 998).
	got := names(t, dir, "*.dtl")
	want := []string{"dtlog1.dtl", "dtlog2.dtl", "dtlog999.dtl"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after wrapping: %v, want %v", got, want)
	}
	files, err := SeriesFiles(dir, "dtlog", ".dtl")
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		files[i] = filepath.Base(files[i])
	}
	if !reflect.DeepEqual(files, []string{"dtlog999.dtl", "dtlog1.dtl", "dtlog2.dtl"}) {
		t.Errorf("series order %v", files)
	}
}

func TestSeriesRecreatesAFileItWrapsOnto(t *testing.T) {
	dir := t.TempDir()
	// Every number exists but one: the series is at 998 and its next file,
	// 999, is missing, then 1 exists from the previous round.
	for n := 1; n <= 998; n++ {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("dtlog%d.dtl", n)), []byte(fmt.Sprintf("old %d\n", n)), 0o644)
	}
	// The gap is between 998 and 1 (999 missing): 1 is the oldest, 998 the newest.
	s := openTestSeries(t, dir, 10, MaxSeriesNumber)
	if s.Current() != filepath.Join(dir, "dtlog998.dtl") {
		t.Fatalf("continues in %s", s.Current())
	}
	s.Write(line10(1)) // into 999
	s.Write(line10(2)) // wraps onto 1, which is re-created
	if b, _ := os.ReadFile(filepath.Join(dir, "dtlog1.dtl")); string(b) != string(line10(2)) {
		t.Fatalf("dtlog1.dtl = %q, want only the new line", b)
	}
	if s.Current() != filepath.Join(dir, "dtlog1.dtl") {
		t.Fatalf("writing %s", s.Current())
	}
}

func TestSeriesOrder(t *testing.T) {
	for _, tc := range []struct{ have, want []int }{
		{[]int{1, 2, 3}, []int{1, 2, 3}},
		{[]int{2, 999, 1, 998}, []int{998, 999, 1, 2}},
		{[]int{5}, []int{5}},
		{[]int{3, 10}, []int{3, 10}},
	} {
		dir := t.TempDir()
		for _, n := range tc.have {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("dtlog%d.dtl", n)), nil, 0o644)
		}
		// Names that are not of the series are ignored.
		for _, other := range []string{"dtlog0.dtl", "dtlog01.dtl", "dtlog1000.dtl", "dtlog.dtl", "dtlogx.dtl", "dtlog7.txt", "master.log"} {
			os.WriteFile(filepath.Join(dir, other), nil, 0o644)
		}
		got, err := seriesNumbers(dir, "dtlog", ".dtl")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%v: order %v, want %v", tc.have, got, tc.want)
		}
	}
}

func TestSeriesLimitsChangeLive(t *testing.T) {
	dir := t.TempDir()
	s := openTestSeries(t, dir, 1000, 10)
	for i := 0; i < 5; i++ {
		s.Write(line10(i))
	}
	s.SetLimits(10, 2)
	for i := 0; i < 5; i++ {
		s.Write(line10(i))
	}
	if got := names(t, dir, "*.dtl"); !reflect.DeepEqual(got, []string{"dtlog5.dtl", "dtlog6.dtl"}) {
		t.Fatalf("files %v", got)
	}
}
