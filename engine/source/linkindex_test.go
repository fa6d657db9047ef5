//go:build linux

package source

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/wire"
)

type opLog struct{ ops []*wire.Op }

func (l *opLog) push(op *wire.Op) { l.ops = append(l.ops, op) }

func (l *opLog) take() []*wire.Op {
	out := l.ops
	l.ops = nil
	return out
}

func kinds(ops []*wire.Op) (out []wire.OpKind) {
	for _, op := range ops {
		out = append(out, op.Kind)
	}
	return out
}

func has(ops []*wire.Op, kind wire.OpKind, path, newPath string) bool {
	for _, op := range ops {
		if op.Kind == kind && op.Path == path && op.NewPath == newPath {
			return true
		}
	}
	return false
}

// A hard link becomes a link on the target through any surviving name,
// and a change made through a second name reaches the shared inode.
func TestHardLinksThroughAnyName(t *testing.T) {
	root := t.TempDir()
	var log opLog
	b := newBuilder(root, blockhash.NewCache(4096, 1<<20), log.push)
	abs := func(rel string) string { return filepath.Join(root, rel) }
	if err := os.WriteFile(abs("f"), []byte("first version"), 0o644); err != nil {
		t.Fatal(err)
	}
	b.syncPath("f", false, false, nil, false)
	log.take()

	if err := os.Link(abs("f"), abs("h")); err != nil {
		t.Fatal(err)
	}
	b.syncPath("h", false, false, nil, false)
	ops := log.take()
	if !has(ops, wire.OpHardlink, "f", "h") {
		t.Fatalf("second name not linked: %v", kinds(ops))
	}
	for _, op := range ops {
		if op.Kind == wire.OpWrite || op.Kind == wire.OpCreate {
			t.Fatalf("unchanged content sent again: %v", kinds(ops))
		}
	}

	// A write and a chmod through the second name.
	if err := os.WriteFile(abs("h"), []byte("second version, longer"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(abs("h"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.syncPath("h", false, false, nil, false)
	ops = log.take()
	var wrote, attr bool
	for _, op := range ops {
		wrote = wrote || (op.Kind == wire.OpWrite && op.Path == "h" && string(op.Data) == "second version, longer")
		attr = attr || (op.Kind == wire.OpAttr && op.Path == "h" && op.Mode == 0o600)
	}
	if !has(ops, wire.OpHardlink, "f", "h") || !wrote || !attr {
		t.Fatalf("change through the second name lost: %v", kinds(ops))
	}

	// The first name goes; a new link must come from the surviving one.
	if err := os.Remove(abs("f")); err != nil {
		t.Fatal(err)
	}
	b.remove("f", false)
	if err := os.Link(abs("h"), abs("h2")); err != nil {
		t.Fatal(err)
	}
	log.take()
	b.syncPath("h2", false, false, nil, false)
	if ops := log.take(); !has(ops, wire.OpHardlink, "h", "h2") {
		t.Fatalf("link after the first name was removed: %v", kinds(ops))
	}

	// Renamed directories carry their names along.
	if err := os.Mkdir(abs("d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(abs("h"), abs("d/h")); err != nil {
		t.Fatal(err)
	}
	b.rename("h", "d/h")
	if err := os.Rename(abs("d"), abs("e")); err != nil {
		t.Fatal(err)
	}
	b.rename("d", "e")
	if err := os.Remove(abs("h2")); err != nil {
		t.Fatal(err)
	}
	b.remove("h2", false)
	if err := os.Link(abs("e/h"), abs("h3")); err != nil {
		t.Fatal(err)
	}
	log.take()
	b.syncPath("h3", false, false, nil, false)
	if ops := log.take(); !has(ops, wire.OpHardlink, "e/h", "h3") {
		t.Fatalf("link after directory renames: %v", kinds(ops))
	}
}

func TestLinkIndex(t *testing.T) {
	x := newLinkIndex()
	a, b := devIno{1, 1}, devIno{1, 2}
	x.add(a, "d/x")
	x.add(a, "d/y")
	x.add(b, "z")
	if got := x.others(a, "d/x"); len(got) != 1 || got[0] != "d/y" {
		t.Fatalf("others %v", got)
	}
	x.rename("d", "e")
	got := x.others(a, "")
	sort.Strings(got)
	if len(got) != 2 || got[0] != "e/x" || got[1] != "e/y" {
		t.Fatalf("after rename %v", got)
	}
	x.rename("z", "e/x") // replaces e/x
	if got := x.others(a, ""); len(got) != 1 || got[0] != "e/y" {
		t.Fatalf("after rename over a name %v", got)
	}
	if got := x.others(b, ""); len(got) != 1 || got[0] != "e/x" {
		t.Fatalf("renamed name %v", got)
	}
	x.remove("e", true)
	// Names come most recent first; the oldest leaving makes the next the oldest.
	x.add(a, "p")
	x.add(a, "q")
	x.add(a, "r")
	x.remove("p", false)
	if got := x.others(a, ""); len(got) != 2 || got[0] != "r" || got[1] != "q" {
		t.Fatalf("after the oldest name left %v", got)
	}
	x.remove("r", false)
	x.remove("q", false)
	if len(x.first) != 0 || len(x.more) != 0 || len(x.inode) != 0 {
		t.Fatalf("left after removing the directory: %v %v %v", x.first, x.more, x.inode)
	}
}

// A difference mirror that found a file equal on the target reads it again
// under the builder's lock: a chmod made since its look (which replication
// has queued with the new mode) is what it sends, never the mode it saw,
// and a file changed since is sent whole.
func TestKeepSameReadsTheFileAgain(t *testing.T) {
	root := t.TempDir()
	var log opLog
	b := newBuilder(root, blockhash.NewCache(4096, 1<<20), log.push)
	abs := filepath.Join(root, "f")
	if err := os.WriteFile(abs, []byte("same on both"), 0o644); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(abs)
	if err != nil {
		t.Fatal(err)
	}
	seen := wire.StatEntry{Exists: true, Type: wire.FileRegular, Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Mode: 0o644}
	if err := os.Chmod(abs, 0o640); err != nil { // after the mirror's look
		t.Fatal(err)
	}
	if _, err := b.keepSame("f", seen); err != nil {
		t.Fatal(err)
	}
	ops := log.take()
	if len(ops) != 1 || ops[0].Kind != wire.OpAttr || ops[0].Mode != 0o640 {
		t.Fatalf("ops %v, want one attribute op with mode 640", ops)
	}
	if err := os.WriteFile(abs, []byte("changed since"), 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := b.keepSame("f", seen); !errors.Is(err, errChanged) {
		t.Fatalf("a changed file: %v, want errChanged", err)
	}
}
