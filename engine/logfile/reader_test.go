package logfile

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func collect(t *testing.T, s Stream, pos Position, limit int) ([]string, Position) {
	t.Helper()
	var got []string
	next, err := ReadFrom(s, pos, limit, func(l string) { got = append(got, l) })
	if err != nil {
		t.Fatal(err)
	}
	return got, next
}

func lineNames(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("line %04d", i))
	}
	return out
}

func TestReadFromFollowsASeriesThroughRotation(t *testing.T) {
	dir := t.TempDir()
	s := openTestSeries(t, dir, 30, 4)
	st := SeriesStream{Dir: dir, Base: "dtlog", Ext: ".dtl"}
	for i := 0; i < 4; i++ {
		s.Write(line10(i))
	}
	got, pos := collect(t, st, Position{}, 0)
	if !reflect.DeepEqual(got, lineNames(0, 3)) {
		t.Fatalf("first read %q", got)
	}
	// A partial line is not read until it ends.
	f, _ := os.OpenFile(s.Current(), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("partial")
	if got, pos2 := collect(t, st, pos, 0); len(got) != 0 || pos2.Offset != pos.Offset {
		t.Fatalf("read %q of a partial line", got)
	}
	f.WriteString(" end\n")
	f.Close()
	got, pos = collect(t, st, pos, 0)
	if !reflect.DeepEqual(got, []string{"partial end"}) {
		t.Fatalf("completed line read as %q", got)
	}
	for i := 4; i < 10; i++ {
		s.Write(line10(i))
	}
	got, pos = collect(t, st, pos, 2)
	if !reflect.DeepEqual(got, lineNames(4, 5)) {
		t.Fatalf("limited read %q", got)
	}
	got, _ = collect(t, st, pos, 0)
	if !reflect.DeepEqual(got, lineNames(6, 9)) {
		t.Fatalf("rest %q", got)
	}
}

func TestReadFromFollowsARenamedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), MasterLogName)
	r, err := OpenRolling(path, 30, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	st := RollingStream{Path: path}
	r.Write(line10(0))
	_, pos := collect(t, st, Position{}, 0)
	// master.log (holding line 0) becomes master.log.1; the reader goes
	// on with the rest of it, then the new master.log.
	for i := 1; i < 5; i++ {
		r.Write(line10(i))
	}
	got, _ := collect(t, st, pos, 0)
	if !reflect.DeepEqual(got, lineNames(1, 4)) {
		t.Fatalf("read %q", got)
	}
}

func TestReadFromLostFileRestartsAtTheOldest(t *testing.T) {
	dir := t.TempDir()
	s := openTestSeries(t, dir, 10, 2)
	st := SeriesStream{Dir: dir, Base: "dtlog", Ext: ".dtl"}
	s.Write(line10(0))
	_, pos := collect(t, st, Position{}, 0)
	for i := 1; i < 4; i++ { // dtlog1 (where pos points) is deleted
		s.Write(line10(i))
	}
	got, _ := collect(t, st, pos, 0)
	if !reflect.DeepEqual(got, lineNames(2, 3)) {
		t.Fatalf("read %q", got)
	}
}

func TestTail(t *testing.T) {
	dir := t.TempDir()
	s := openTestSeries(t, dir, 30, 10)
	for i := 0; i < 10; i++ {
		s.Write(line10(i))
	}
	st := SeriesStream{Dir: dir, Base: "dtlog", Ext: ".dtl"}
	got, pos, err := Tail(st, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, lineNames(6, 9)) {
		t.Fatalf("tail %q", got)
	}
	s.Write(line10(10))
	if more, _ := collect(t, st, pos, 0); !reflect.DeepEqual(more, lineNames(10, 10)) {
		t.Fatalf("after the tail: %q", more)
	}
	all, _, _ := Tail(st, 0)
	if !reflect.DeepEqual(all, lineNames(0, 10)) {
		t.Fatalf("whole tail %q", all)
	}
}

func TestStreamFor(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		path string
		want Stream
	}{
		{dir, SeriesStream{Dir: dir, Base: "dtlog", Ext: ".dtl"}},
		{filepath.Join(dir, "dtlog7.dtl"), SeriesStream{Dir: dir, Base: "dtlog", Ext: ".dtl"}},
		{filepath.Join(dir, "mylog12.dtl"), SeriesStream{Dir: dir, Base: "mylog", Ext: ".dtl"}},
		{filepath.Join(dir, "master.log"), RollingStream{Path: filepath.Join(dir, "master.log")}},
		{filepath.Join(dir, "job-1.log"), RollingStream{Path: filepath.Join(dir, "job-1.log")}},
	} {
		if got := StreamFor(tc.path); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("StreamFor(%s) = %#v, want %#v", tc.path, got, tc.want)
		}
	}
}
