package capture

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// TestRenamedFromFormat pins the fsnotify behaviour renamedFrom relies on.
func TestRenamedFromFormat(t *testing.T) {
	dir := t.TempDir()
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer fsw.Close()
	if err := fsw.Add(dir); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(dir, "a \"quoted\" ←"), filepath.Join(dir, "b")
	if err := os.WriteFile(a, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(a, b); err != nil {
		t.Fatal(err)
	}
	timeout := time.After(deadline)
	for {
		select {
		case ev := <-fsw.Events:
			if ev.Name == a && ev.Has(fsnotify.Create) {
				if got := renamedFrom(ev); got != "" {
					t.Errorf("plain create has renamedFrom %q", got)
				}
			}
			if ev.Name == b && ev.Has(fsnotify.Create) {
				if got := renamedFrom(ev); got != a {
					t.Fatalf("renamedFrom(%v) = %q, want %q", ev, got, a)
				}
				return
			}
		case err := <-fsw.Errors:
			t.Fatal(err)
		case <-timeout:
			t.Fatal("no CREATE for the rename target")
		}
	}
}

// FuzzRenamedFrom: no file name, however it is quoted, makes a plain event
// look like the end of a rename.
func FuzzRenamedFrom(f *testing.F) {
	for _, s := range []string{"a", `x" ← "y`, "a ← b", "\xff", "line\nbreak", `"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		for _, op := range []fsnotify.Op{fsnotify.Create, fsnotify.Create | fsnotify.Chmod, fsnotify.Rename} {
			if got := renamedFrom(fsnotify.Event{Name: name, Op: op}); got != "" {
				t.Fatalf("renamedFrom(%q, %v) = %q, want \"\"", name, op, got)
			}
		}
	})
}
