//go:build linux && !dtrep_portable

package apply

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/wire"
)

// The directory kept open for the next file of the same directory is the
// one resolved beneath the root: when something else on the target swaps
// a symlink to the outside in at its name within a batch, the next file
// still goes into that directory (now under its new name) and nothing is
// written through the symlink. The next sync resolves afresh, and the
// symlinked parent is then refused as before.
func TestKeptParentIsNotReplacedBySymlink(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	outside := filepath.Join(filepath.Dir(root), "outside")
	if err := os.Mkdir(outside, 0o755); err != nil {
		t.Fatal(err)
	}
	mustApply(t, a, wire.Op{Kind: wire.OpMkdir, Path: "d", Mode: 0o755}, create("d/one", 0o644))
	if err := os.Rename(filepath.Join(root, "d"), filepath.Join(root, "moved")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, "d")); err != nil {
		t.Fatal(err)
	}
	mustApply(t, a, create("d/two", 0o644), write("d/two", 0, "kept"))
	if _, err := os.Lstat(filepath.Join(outside, "two")); !os.IsNotExist(err) {
		t.Fatalf("a file was created through the symlink: %v", err)
	}
	if got := readFile(t, filepath.Join(root, "moved", "two")); got != "kept" {
		t.Fatalf("the kept directory got %q", got)
	}
	if err := a.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := a.Apply(t.Context(), &wire.Op{Kind: wire.OpCreate, Path: "d/three", Mode: 0o644}); err == nil {
		t.Fatal("after a sync the symlinked parent was followed")
	}
	if _, err := os.Lstat(filepath.Join(outside, "three")); !os.IsNotExist(err) {
		t.Fatalf("a file was created through the symlink: %v", err)
	}
}
