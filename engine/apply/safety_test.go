package apply

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// snapshot lists every entry under dir with its type, size, mode and mtime,
// so any write, create, chmod or utimes beneath it shows as a difference.
func snapshot(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, fmt.Sprintf("%s %v %d %d", rel, fi.Mode(), fi.ModTime().UnixNano(), fi.Size()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// escapeFixture builds <tmp>/root and <tmp>/outside with a file, and plants
// symlinks in the root pointing out of it.
func escapeFixture(t testing.TB, root string) (outside string) {
	t.Helper()
	base := filepath.Dir(root)
	outside = filepath.Join(base, "outside")
	if err := os.MkdirAll(filepath.Join(outside, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "keep"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{
		"rel":   "../outside",
		"abs":   outside,
		"up":    "..",
		"chain": "rel/sub",
		"file":  "../outside/keep",
	} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return outside
}

func TestEscapesRefused(t *testing.T) {
	a, root, rec := newApplier(t, testOptions())
	outside := escapeFixture(t, root)
	beforeOutside := snapshot(t, outside)

	refused := []wire.Op{
		{Kind: wire.OpCreate, Path: "/etc/dtrep-test"},
		{Kind: wire.OpCreate, Path: outside + "/new"},
		{Kind: wire.OpCreate, Path: "../outside/new"},
		{Kind: wire.OpCreate, Path: "a/../../outside/new"},
		{Kind: wire.OpCreate, Path: "new\x00"},
		{Kind: wire.OpCreate, Path: "rel/new"},
		{Kind: wire.OpCreate, Path: "abs/new"},
		{Kind: wire.OpCreate, Path: "up/outside/new"},
		{Kind: wire.OpCreate, Path: "chain/new"},
		{Kind: wire.OpWrite, Path: "rel/keep", Data: []byte("pwned")},
		{Kind: wire.OpTruncate, Path: "abs/keep"},
		{Kind: wire.OpAttr, Path: "rel/keep", Mode: 0o777, UID: -1, GID: -1, Mtime: 1},
		{Kind: wire.OpMkdir, Path: "rel/newdir"},
		{Kind: wire.OpMkdir, Path: "up/outside/newdir"},
		{Kind: wire.OpRmdir, Path: "rel/sub"},
		{Kind: wire.OpDelete, Path: "abs/keep"},
		{Kind: wire.OpRename, Path: "rel/keep", NewPath: "stolen"},
		{Kind: wire.OpRename, Path: "x", NewPath: "rel/x"},
		{Kind: wire.OpHardlink, Path: "rel/keep", NewPath: "stolen"},
		{Kind: wire.OpSymlink, Path: "rel/l", LinkTarget: "x"},
	}
	mustApply(t, a, create("x", 0))
	for _, op := range refused {
		err := a.Apply(context.Background(), &op)
		if !errors.Is(err, ErrUnsafePath) || !errors.Is(err, ErrDropped) {
			t.Errorf("%s %q -> %q: %v, want a refusal", op.Kind, op.Path, op.NewPath, err)
			continue
		}
		wantCode(t, err, catalog.CodeInvalidParameter)
	}
	if got := a.Counters().Retries.Load(); got != 0 {
		t.Errorf("refusals were retried %d times", got)
	}
	if n := len(rec.ids()); n != len(refused) {
		t.Errorf("%d events for %d refusals", n, len(refused))
	}

	// Final-component symlinks are never followed: writing through one
	// fails, and create, delete and attr act on the link itself.
	err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpWrite, Path: "file", Data: []byte("pwned")})
	if !errors.Is(err, ErrDropped) {
		t.Fatalf("write through a final symlink: %v", err)
	}
	mustApply(t, a,
		wire.Op{Kind: wire.OpAttr, Path: "file", Mode: 0o777, UID: -1, GID: -1},
		wire.Op{Kind: wire.OpDelete, Path: "rel"},
		wire.Op{Kind: wire.OpRmdir, Path: "abs"},
		create("file", 0), write("file", 0, "inside"),
	)
	if got := readFile(t, filepath.Join(root, "file")); got != "inside" {
		t.Fatalf("create over a symlink: %q", got)
	}
	if got := snapshot(t, outside); !slices.Equal(got, beforeOutside) {
		t.Fatalf("outside changed:\n%v\n%v", beforeOutside, got)
	}
	if got := readFile(t, filepath.Join(outside, "keep")); got != "keep" {
		t.Fatalf("outside file now %q", got)
	}
	// Nothing appeared next to the root either.
	entries, _ := os.ReadDir(filepath.Dir(root))
	if len(entries) != 2 {
		t.Fatalf("entries beside the root: %v", entries)
	}
}

func TestInTreeSymlinkParents(t *testing.T) {
	a, root, _ := newApplier(t, testOptions())
	mustApply(t, a,
		wire.Op{Kind: wire.OpMkdir, Path: "real/sub"},
		wire.Op{Kind: wire.OpSymlink, Path: "alias", LinkTarget: "real"},
		wire.Op{Kind: wire.OpSymlink, Path: "real/sub/back", LinkTarget: "../../real"},
	)
	err := a.Apply(context.Background(), &wire.Op{Kind: wire.OpCreate, Path: "alias/f"})
	if !inTreeSymlinks {
		if !errors.Is(err, ErrUnsafePath) {
			t.Fatalf("portable root followed a symlinked parent: %v", err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, a, create("real/sub/back/sub/g", 0), write("alias/f", 0, "via alias"))
	if got := readFile(t, filepath.Join(root, "real/f")); got != "via alias" {
		t.Fatalf("real/f = %q", got)
	}
	if _, err := os.Stat(filepath.Join(root, "real/sub/g")); err != nil {
		t.Fatal("symlink with .. beneath the root not followed")
	}
}
