package capture

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/repset"
)

// TestMkdirPThenWrite is the RECIPES finding: a file written right after
// mkdir -p lands in directories not watched yet, and must still be seen.
func TestMkdirPThenWrite(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		h := newHarness(t, Options{Method: m}, true)
		const n = 200
		for i := range n {
			h.write(fmt.Sprintf("t%d/a/b/c/file", i), "x")
		}
		recs := h.sync()
		for i := range n {
			for _, dir := range []string{"t%d", "t%d/a", "t%d/a/b", "t%d/a/b/c"} {
				d := fmt.Sprintf(dir, i)
				if !hasRecord(recs, Change{Kind: Create, Path: d, IsDir: true}) {
					t.Errorf("no Create for directory %s", d)
				}
			}
			if f := fmt.Sprintf("t%d/a/b/c/file", i); !covered(recs, f) {
				t.Errorf("file %s never reported", f)
			}
		}
		// inotify needs a watch per directory; fanotify's one filesystem
		// mark covers them all.
		want := int64(1 + 4*n)
		if m == Fanotify {
			want = 0
		}
		if got := h.w.Counters().Watches.Load(); got != want {
			t.Errorf("Watches = %d, want %d", got, want)
		}
	})
}

func hasRecord(recs []Change, want Change) bool {
	for _, r := range recs {
		if r == want {
			return true
		}
	}
	return false
}

func TestFileRenameIsPaired(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		h := newHarness(t, Options{Method: m}, true)
		h.write("dir/a", "1")
		before := len(h.sync())
		h.rename("dir/a", "b")
		recs := h.sync()[before:]
		if len(recs) != 1 || recs[0] != (Change{Kind: Rename, Path: "b", OldPath: "dir/a"}) {
			t.Fatalf("want exactly one Rename b <- dir/a, got:\n%s", dump(recs))
		}
	})
}

// TestRenameDirThenWrite renames a non-empty directory and writes inside it
// at once: every record after the rename must use the new path, and the
// watches must follow the directory.
func TestRenameDirThenWrite(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		h := newHarness(t, Options{Method: m}, true)
		h.write("d/sub/f1", "1")
		h.write("d/f2", "2")
		before := len(h.sync())

		h.rename("d", "e")
		h.write("e/sub/f3", "3")
		h.write("e/f2", "22")
		recs := h.sync()[before:]
		if len(recs) == 0 || recs[0] != (Change{Kind: Rename, Path: "e", OldPath: "d", IsDir: true}) {
			t.Fatalf("first record should be Rename e <- d, got:\n%s", dump(recs))
		}
		for _, r := range recs[1:] {
			if r.Path == "d" || strings.HasPrefix(r.Path, "d/") {
				t.Errorf("record with the old path after the rename: %v", r)
			}
		}
		for _, f := range []string{"e/sub/f3", "e/f2"} {
			if !covered(recs, f) {
				t.Errorf("%s not covered by:\n%s", f, dump(recs))
			}
		}

		// The watches now report the new paths, also one level down.
		before += len(recs)
		h.write("e/sub/f4", "4")
		h.write("e/sub/f1", "11")
		recs = h.sync()[before:]
		for _, want := range []string{"e/sub/f4", "e/sub/f1"} {
			if !covered(recs, want) {
				t.Errorf("%s not reported after the rename:\n%s", want, dump(recs))
			}
		}
		for _, r := range recs {
			if r.Kind == Rescan || strings.HasPrefix(r.Path, "d/") {
				t.Errorf("unexpected record once watches are re-registered: %v", r)
			}
		}
	})
}

func TestMovesAcrossTheRoot(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		outside := t.TempDir()
		h := newHarness(t, Options{Method: m}, true)
		h.write("x/f", "1")
		h.write("y", "2")
		before := len(h.sync())

		// Out of the tree: a Remove once the rename window passes.
		if err := os.Rename(h.path("x"), filepath.Join(outside, "x")); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(h.path("y"), filepath.Join(outside, "y")); err != nil {
			t.Fatal(err)
		}
		h.waitFor("Remove y", func(rs []Change) bool { return hasRecord(rs, Change{Kind: Remove, Path: "y"}) })
		recs := h.sync()[before:]
		if !hasRecord(recs, Change{Kind: Remove, Path: "x", IsDir: true}) {
			t.Errorf("no Remove x/:\n%s", dump(recs))
		}
		before += len(recs)

		// Writes in the moved-out directory are not ours any more.
		if err := os.WriteFile(filepath.Join(outside, "x/g"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		// Into the tree: a Create, and a scan of the directory.
		if err := os.MkdirAll(filepath.Join(outside, "z/deep"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(outside, "z/deep/f"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(filepath.Join(outside, "z"), h.path("z")); err != nil {
			t.Fatal(err)
		}
		h.write("z/deep/g", "after")
		recs = h.sync()[before:]
		for _, want := range []Change{
			{Kind: Create, Path: "z", IsDir: true},
			{Kind: Create, Path: "z/deep", IsDir: true},
			{Kind: Create, Path: "z/deep/f"},
		} {
			if !hasRecord(recs, want) {
				t.Errorf("missing %v in:\n%s", want, dump(recs))
			}
		}
		if !covered(recs, "z/deep/g") {
			t.Errorf("write inside the moved-in directory not reported:\n%s", dump(recs))
		}
		for _, r := range recs {
			if strings.Contains(r.Path, "x/g") {
				t.Errorf("change outside the root reported: %v", r)
			}
		}
	})
}

func TestExcludedNeverReported(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		h := newHarness(t, Options{Method: m}, true, inc(""), exc("**/*.tmp"), exc("skip"))
		h.write("keep.txt", "k")
		h.write("a.tmp", "t")
		h.write("skip/f", "s")
		h.write("skip/deep/g", "s")
		h.write("sub/b.tmp", "t")
		h.rename("a.tmp", "c.tmp")
		h.rename("skip/f", "skip/f2")
		h.rename("keep.txt", "gone.tmp") // leaves the set: a Remove
		h.write("z.tmp", "z")
		h.rename("z.tmp", "z.txt") // enters the set: a Create
		if err := os.RemoveAll(h.path("skip")); err != nil {
			t.Fatal(err)
		}
		recs := h.sync()
		for _, r := range recs {
			for _, p := range []string{r.Path, r.OldPath} {
				if strings.HasSuffix(p, ".tmp") || p == "skip" || strings.HasPrefix(p, "skip/") {
					t.Errorf("excluded path reported: %v", r)
				}
			}
		}
		for _, want := range []Change{{Kind: Remove, Path: "keep.txt"}, {Kind: Create, Path: "z.txt"}} {
			if !hasRecord(recs, want) {
				t.Errorf("missing %v in:\n%s", want, dump(recs))
			}
		}
	})
}

// TestRootRemoved: capture cannot go on without its root.
func TestRootRemoved(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		parent := t.TempDir()
		root := filepath.Join(parent, "root")
		if err := os.Mkdir(root, 0o755); err != nil {
			t.Fatal(err)
		}
		set := mustSet(t, root)
		w, err := New(root, set, Options{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		errc := make(chan error, 1)
		go func() { errc <- w.Serve(t.Context()) }()
		go func() {
			for range w.Changes() {
			}
		}()
		if err := os.Rename(root, filepath.Join(parent, "moved")); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-errc:
			if catalog.CodeOf(err) != catalog.CodeSourcePathInvalid && !strings.Contains(err.Error(), "(code 140)") {
				t.Fatalf("Serve = %v, want code 140", err)
			}
		case <-time.After(deadline):
			t.Fatal("Serve did not stop when its root moved")
		}
	})
}

func TestNewValidation(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		set := mustSet(t, t.TempDir())
		if _, err := New("relative", set, Options{Method: m}); err == nil {
			t.Error("relative root accepted")
		}
		if _, err := New(filepath.Join(t.TempDir(), "missing"), set, Options{Method: m}); err == nil {
			t.Error("missing root accepted")
		}
		if _, err := New(t.TempDir(), nil, Options{Method: m}); err == nil {
			t.Error("nil set accepted")
		}
		w, err := New(set.Root(), set, Options{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		ctx := t.Context()
		go func() { _ = w.Serve(ctx) }()
		for !w.started.Load() {
			runtime.Gosched()
		}
		if err := w.Serve(ctx); err == nil {
			t.Error("second Serve returned nil, want an error")
		}
	})
}

func mustSet(t *testing.T, root string) *repset.Set {
	t.Helper()
	set, err := repset.New("test", root, inc(""))
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestOddNames: names are reported byte for byte, and renames of them pair.
func TestOddNames(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		h := newHarness(t, Options{Method: m}, true)
		names := []string{"sp ace", "quo\"te", "new\nline", "arrow ← x", "\xff\xfe", "ünï"}
		for _, n := range names {
			h.write(n, "x")
		}
		recs := h.sync()
		for _, n := range names {
			if !covered(recs, n) {
				t.Errorf("%q not reported", n)
			}
		}
		before := len(recs)
		for _, n := range names {
			h.rename(n, n+"-renamed")
		}
		recs = h.sync()[before:]
		for _, n := range names {
			if !hasRecord(recs, Change{Kind: Rename, Path: n + "-renamed", OldPath: n}) {
				t.Errorf("rename of %q not paired:\n%s", n, dump(recs))
			}
		}
	})
}

// TestRulesChanged: after a rule edit the watches follow the new rules.
func TestRulesChanged(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		h := newHarness(t, Options{Method: m}, true, inc(""), exc("late"))
		h.write("late/a", "1")
		before := len(h.sync())
		if err := h.set.RemoveRule("late"); err != nil {
			t.Fatal(err)
		}
		h.w.RulesChanged()
		h.waitFor("root Rescan", func(rs []Change) bool { return hasRecord(rs[before:], Change{Kind: Rescan}) })
		h.write("late/b", "2")
		recs := h.sync()
		if !hasRecord(recs, Change{Kind: Create, Path: "late/b"}) {
			t.Errorf("directory included by the edited rules is not watched:\n%s", dump(recs))
		}
	})
}

func TestCloseUnserved(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) {
		w, err := New(t.TempDir(), mustSet(t, t.TempDir()), Options{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if _, open := <-w.Changes(); open {
			t.Error("Changes still open after Close")
		}
		if err := w.Serve(t.Context()); err == nil {
			t.Error("Serve after Close returned nil")
		}
	})
}
