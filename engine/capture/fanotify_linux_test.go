package capture

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dtrep/dtrep/internal/testtool"
)

// TestFanotifyIgnoresOutsideRoot: the mark reports the whole file system;
// only what happens under the root becomes records.
func TestFanotifyIgnoresOutsideRoot(t *testing.T) {
	requireFanotify(t)
	parent := t.TempDir()
	root := filepath.Join(parent, "root")
	for _, d := range []string{root, filepath.Join(parent, "sibling"), filepath.Join(parent, "rootx")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarnessAt(t, root, Options{Method: Fanotify}, true)
	for _, p := range []string{"sibling/f", "rootx/f", "top"} {
		if err := os.WriteFile(filepath.Join(parent, p), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(filepath.Join(parent, "sibling/f"), filepath.Join(parent, "rootx/g")); err != nil {
		t.Fatal(err)
	}
	h.write("inside", "x")
	recs := h.sync()
	if len(recs) == 0 || recs[0] != (Change{Kind: Create, Path: "inside"}) {
		t.Fatalf("want Create inside first, got:\n%s", dump(recs))
	}
	for _, r := range recs {
		if r.Path != "inside" {
			t.Errorf("record about something outside the root: %v", r)
		}
	}
	// The outside events were read (and dropped), not missed.
	if n := h.w.Counters().Outside.Load(); n < 4 {
		t.Errorf("%d events outside the root read, want the 4 made there at least", n)
	}
}

// TestFanotifyRenameAcrossDirs: a rename between directories, both known
// to capture only by the handles the kernel reports (they existed before
// capture started), is one Rename record; a directory renamed across
// directories takes its contents' later records with it.
func TestFanotifyRenameAcrossDirs(t *testing.T) {
	requireFanotify(t)
	root := t.TempDir()
	for _, p := range []string{"a/x/f", "b/y/keep", "a/d/inner/g"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, p), []byte("1"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarnessAt(t, root, Options{Method: Fanotify}, true)
	h.rename("a/x/f", "b/y/g")
	h.rename("a/d", "b/y/e")
	h.write("b/y/e/inner/g", "2")
	recs := h.sync()
	want := []Change{
		{Kind: Rename, Path: "b/y/g", OldPath: "a/x/f"},
		{Kind: Rename, Path: "b/y/e", OldPath: "a/d", IsDir: true},
	}
	if len(recs) < 3 || recs[0] != want[0] || recs[1] != want[1] {
		t.Fatalf("want %v then the write, got:\n%s", want, dump(recs))
	}
	// The truncation and the write may come as one event or two.
	for _, r := range recs[2:] {
		if r != (Change{Kind: Write, Path: "b/y/e/inner/g"}) {
			t.Fatalf("after the renames, want only the write under the new name, got:\n%s", dump(recs))
		}
	}
}

// TestFanotifyRefusedFallsBack: where the kernel refuses fanotify_init
// (no CAP_SYS_ADMIN, an old kernel), Auto falls back to inotify and says
// why, and a forced Fanotify fails. The refusal is a fault no real peer
// produces here (CI runs as root on a recent kernel), so fanotify_init is
// replaced by a mock that fails with EPERM.
func TestFanotifyRefusedFallsBack(t *testing.T) {
	real := fanotifyInit
	fanotifyInit = func(uint, uint) (int, error) { return -1, syscall.EPERM }
	t.Cleanup(func() { fanotifyInit = real })

	root := t.TempDir()
	set := mustSet(t, root)
	if _, err := New(root, set, Options{Method: Fanotify}); err == nil || !strings.Contains(err.Error(), "fanotify_init") {
		t.Fatalf("forced fanotify: New = %v, want the fanotify_init error", err)
	}
	w, err := New(root, set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.Method() != Inotify || !strings.Contains(w.Fallback(), "operation not permitted") {
		t.Fatalf("Method %v, Fallback %q: want inotify because fanotify_init was refused", w.Method(), w.Fallback())
	}
	if d := w.Describe(); !strings.HasPrefix(d, "inotify (fanotify unavailable: fanotify_init: operation not permitted") {
		t.Errorf("Describe = %q", d)
	}
	h := serveHarness(t, root, set, w, true)
	h.write("f", "x")
	if recs := h.sync(); !hasRecord(recs, Change{Kind: Create, Path: "f"}) {
		t.Errorf("the inotify fallback does not capture:\n%s", dump(recs))
	}
}

func TestAutoPrefersFanotify(t *testing.T) {
	requireFanotify(t)
	root := t.TempDir()
	w, err := New(root, mustSet(t, root), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Method() != Fanotify || w.Fallback() != "" || w.Describe() != "fanotify" {
		t.Errorf("Method %v, Fallback %q, Describe %q: want fanotify", w.Method(), w.Fallback(), w.Describe())
	}
}

// FuzzParseFanEvents: whatever a read returns, parsing stops with an error
// or events, never a panic or a read past the buffer.
func FuzzParseFanEvents(f *testing.F) {
	f.Add([]byte{24, 0, 0, 0, 3, 0, 24, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	ev := []byte{52, 0, 0, 0, 3, 0, 24, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0,
		2, 0, 28, 0, 1, 2, 3, 4, 5, 6, 7, 8, 4, 0, 0, 0, 1, 0, 0, 0, 9, 9, 9, 9, 'a', 0, 0, 0}
	f.Add(ev)
	f.Fuzz(func(t *testing.T, b []byte) {
		evs, err := parseFanEvents(b, nil)
		if err == nil && len(b) > 0 && len(evs) == 0 {
			t.Fatal("bytes parsed into no event and no error")
		}
	})
}

// TestMountBelowTheRoot: a file system mounted below the root is outside
// the mark, so fanotify is refused there and Auto falls back to inotify.
// The mountinfo lines are a fixture: mounting needs a file system to spare.
func TestMountBelowTheRoot(t *testing.T) {
	info := filepath.Join(t.TempDir(), "mountinfo")
	lines := "22 1 8:1 / / rw - ext4 /dev/vda rw\n" +
		"40 22 0:40 / /data/with\\040space rw - tmpfs tmpfs rw\n" +
		"41 22 0:41 / /database rw - tmpfs tmpfs rw\n"
	if err := os.WriteFile(info, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	for root, want := range map[string]string{"/data": "/data/with space", "/data/with space": "", "/datab": "",
		"/srv": "", "/": "/data/with space"} {
		if got, err := mountBelow(info, root); err != nil || got != want {
			t.Errorf("mountBelow(%q) = %q, %v; want %q", root, got, err, want)
		}
	}
}

// TestAutoFallsBackOverASubmount mounts a tmpfs below the root: Auto
// captures with inotify, says why, and sees a change in the tmpfs.
func TestAutoFallsBackOverASubmount(t *testing.T) {
	requireFanotify(t)
	root := t.TempDir()
	sub := filepath.Join(root, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", sub, "tmpfs", 0, "size=1m"); err != nil {
		testtool.Missing(t, "mounting a tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(sub, 0); err != nil {
			t.Errorf("unmounting %s: %v", sub, err)
		}
	})
	set := mustSet(t, root)
	w, err := New(root, set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if w.Method() != Inotify || !strings.Contains(w.Fallback(), "mounted at "+sub) {
		w.Close()
		t.Fatalf("Method %v, Fallback %q: want inotify because of the mount", w.Method(), w.Fallback())
	}
	h := serveHarness(t, root, set, w, true)
	h.write("sub/f", "x")
	if recs := h.sync(); !covered(recs, "sub/f") {
		t.Errorf("a change in the submount is not captured:\n%s", dump(recs))
	}
}

// boundFanotifyQueue makes the fanotify groups the test creates use the
// kernel's bounded queue, which can overflow.
func boundFanotifyQueue(t *testing.T) {
	old := fanUnlimited
	fanUnlimited = false
	t.Cleanup(func() { fanUnlimited = old })
}

// TestFanotifyDeletedLookingNames: a directory whose name ends as the
// kernel marks removed directories is still followed.
func TestFanotifyDeletedLookingNames(t *testing.T) {
	requireFanotify(t)
	root := t.TempDir()
	dir := filepath.Join(root, "old (deleted)")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	h := newHarnessAt(t, root, Options{Method: Fanotify}, true)
	h.write("old (deleted)/f", "x")
	if recs := h.sync(); !hasRecord(recs, Change{Kind: Create, Path: "old (deleted)/f"}) {
		t.Errorf("change in a directory named like a removed one not reported:\n%s", dump(recs))
	}
}
