package logfile

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRollingKeepsOlderFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "job-abc.log")
	r, err := OpenRolling(path, 20, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 0; i < 12; i++ { // two lines a file: six files' worth
		if _, err := r.Write(line10(i)); err != nil {
			t.Fatal(err)
		}
	}
	got := names(t, dir, "job-abc.log*")
	if want := []string{"job-abc.log", "job-abc.log.1", "job-abc.log.2", "job-abc.log.3"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("files %v, want %v", got, want)
	}
	// Oldest first: .3 holds lines 4-5, the live file 10-11.
	files := RollingFiles(path)
	var all []string
	for _, f := range files {
		all = append(all, readLinesOf(t, f)...)
	}
	want := []string{"line 0004", "line 0005", "line 0006", "line 0007", "line 0008", "line 0009", "line 0010", "line 0011"}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("lines oldest first %q", all)
	}
}

func TestRollingContinuesAnExistingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), MasterLogName)
	os.WriteFile(path, line10(0), 0o644)
	r, err := OpenRolling(path, 20, MasterLogKeep)
	if err != nil {
		t.Fatal(err)
	}
	r.Write(line10(1))
	r.Write(line10(2))
	r.Close()
	if l := readLinesOf(t, path+".1"); !reflect.DeepEqual(l, []string{"line 0000", "line 0001"}) {
		t.Fatalf("master.log.1 holds %q", l)
	}
	if l := readLinesOf(t, path); !reflect.DeepEqual(l, []string{"line 0002"}) {
		t.Fatalf("master.log holds %q", l)
	}
}

func TestJobLogName(t *testing.T) {
	if got := JobLogName("a6cbf990ba67403d855f5bb44c18e1d6"); got != "job-a6cbf990ba67403d855f5bb44c18e1d6.log" {
		t.Fatal(got)
	}
}
