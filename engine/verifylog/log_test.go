package verifylog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var conn = Connection{ID: 2, Set: "sales", Target: "10.0.0.2:6320", TargetPath: "/replica", Checksum: true}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSection(t *testing.T) {
	o := Options{Dir: t.TempDir(), Name: "DTVerify.log", Append: true}
	l, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(l.Begin(conn, now))
	must(l.Difference(Diff{Path: "a/b.txt", Kind: DifferentOnTarget, OutOfSync: 4096, Fixed: true,
		Source:  Attrs{Exists: true, Type: "file", Size: 10, Mtime: now, Mode: 0o644},
		Target:  Attrs{Exists: true, Type: "file", Size: 12, Mtime: now, Mode: 0o600},
		Reasons: []string{"size", "mode"}}))
	must(l.Difference(Diff{Path: "new\nline", Kind: MissingOnTarget, OutOfSync: -1,
		Source: Attrs{Exists: true, Type: "file", Size: 1, Mtime: now, Mode: 0o644}}))
	must(l.End(conn, now, Summary{Files: 5, Dirs: 1, Bytes: 100, Different: 1, Missing: 1, Synchronized: 1,
		Err: errors.New("session\nlost")}))
	must(l.Close())
	got := read(t, o.Path())
	for _, want := range []string{
		"--- VERIFICATION OF CONNECTION 2, CHECKSUM ENABLED (sales --> 10.0.0.2:6320 /replica) ---\n",
		"Start Time: Fri Jan  2 03:04:05 2026 for connection 2",
		"File: a/b.txt DIFFERENT ON TARGET\n",
		"\tSource Attributes: Type = file Timestamp = Fri Jan  2 03:04:05 2026 Size = 10 Mode = 0644\n",
		"\tTarget Attributes: Type = file Timestamp = Fri Jan  2 03:04:05 2026 Size = 12 Mode = 0600\n",
		"\tDiffers in: size, mode\n\t4096 BYTES OUT OF SYNC\n\tSYNCHRONIZED\n",
		"File: \"new\\nline\" MISSING ON TARGET\n\tSource Attributes:",
		"\tTarget Attributes: (none)\n",
		"Verified 5 files and 1 directories (100 bytes): 1 different, 1 missing on target, 0 orphans on target, 1 synchronized\n",
		"VERIFICATION DID NOT COMPLETE: session lost\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "BYTES OUT OF SYNC\n\tSource") || strings.Count(got, "OUT OF SYNC") != 1 {
		t.Errorf("uncompared bytes were reported:\n%s", got)
	}
}

func TestAppendOrOverwrite(t *testing.T) {
	dir := t.TempDir()
	for i, appendMode := range []bool{true, true, false} {
		l, err := Open(Options{Dir: dir, Name: "v.log", Append: appendMode})
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Begin(conn, time.Unix(int64(i), 0)); err != nil {
			t.Fatal(err)
		}
		l.Close()
	}
	if n := strings.Count(read(t, filepath.Join(dir, "v.log")), "--- VERIFICATION"); n != 1 {
		t.Fatalf("%d sections after an overwriting open, want 1", n)
	}
	l, _ := Open(Options{Dir: dir, Name: "v.log", Append: true})
	l.Begin(conn, time.Unix(0, 0))
	l.Close()
	if n := strings.Count(read(t, filepath.Join(dir, "v.log")), "--- VERIFICATION"); n != 2 {
		t.Fatalf("%d sections after appending, want 2", n)
	}
}

func TestLimitRolls(t *testing.T) {
	o := Options{Dir: t.TempDir(), Name: "v.log", Limit: 1000, Append: true}
	l, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i := 0; i < 50; i++ {
		if err := l.Difference(Diff{Path: strings.Repeat("x", 40), Kind: MissingOnTarget, OutOfSync: -1}); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(o.Path())
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > o.Limit {
			t.Fatalf("log is %d bytes, limit %d", fi.Size(), o.Limit)
		}
	}
	if old := read(t, o.Path()+".1"); !strings.HasPrefix(old, "File: ") {
		t.Fatalf("rolled part does not start with a whole record: %q", old[:20])
	}
	if err := l.Difference(Diff{Path: strings.Repeat("y", 5000), Kind: MissingOnTarget, OutOfSync: -1}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(o.Path()); fi.Size() > o.Limit {
		t.Fatalf("an oversized record made the log %d bytes", fi.Size())
	}
}

func TestNameMustBeAFileName(t *testing.T) {
	for _, name := range []string{"", "..", "../x.log", "a/b.log"} {
		if _, err := Open(Options{Dir: t.TempDir(), Name: name}); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
}
