//go:build linux

package source

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/wire"
)

// With the source's sums taken beforehand, a checksum mirror reads and
// sends only the blocks whose sums differ from the target's; a file that
// changed after its sums were taken is read whole again, so what the sums
// missed is still sent.
func TestSyncKnownSendsOnlyDifferingBlocks(t *testing.T) {
	root := t.TempDir()
	var log opLog
	b := newBuilder(root, blockhash.NewCache(4096, 1<<20), log.push)
	p := filepath.Join(root, "f")
	old := bytes.Repeat([]byte("a"), 3*4096+100)
	if err := os.WriteFile(p, old, 0o644); err != nil {
		t.Fatal(err)
	}
	target, _, err := blockhash.HashFile(p, 4096)
	if err != nil {
		t.Fatal(err)
	}
	cur := bytes.Clone(old)
	copy(cur[4096+7:], "changed")
	if err := os.WriteFile(p, cur, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := b.syncKnown("f", target, hashLocal(p, 4096)); err != nil {
		t.Fatal(err)
	}
	w := writes(log.take())
	if len(w) != 1 || w[0].Offset != 4096 || !bytes.Equal(w[0].Data, cur[4096:8192]) {
		t.Fatalf("sent %d writes (first at %d), want block 1 only", len(w), w[0].Offset)
	}

	// Sums taken, then the file changes in another block: all of it is
	// compared again, and the new change goes too.
	local := hashLocal(p, 4096)
	copy(cur[3*4096:], "late")
	if err := os.WriteFile(p, cur, 0o644); err != nil {
		t.Fatal(err)
	}
	// The identity includes the mtime; make sure it moved.
	later := time.Now().Add(time.Second)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if _, err := b.syncKnown("f", target, local); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, op := range log.take() {
		if op.Kind == wire.OpWrite {
			got = append(got, op.Offset)
		}
	}
	if len(got) != 2 || got[0] != 4096 || got[1] != 3*4096 {
		t.Fatalf("after a late change sent blocks at %v, want 4096 and 12288", got)
	}
}

// Only blocks the builder lent to ops come back to it when their ops are
// acknowledged: data of any other origin is left alone.
func TestRecycleTakesBackOnlyLentBlocks(t *testing.T) {
	b := newBuilder(t.TempDir(), blockhash.NewCache(4096, 1<<20), func(*wire.Op) {})
	lent := b.newBlock()
	b.lend(lent)
	other := &wire.Op{Data: make([]byte, 4096)}
	b.recycle(other)
	if other.Data == nil {
		t.Fatal("a block the builder never lent was taken")
	}
	op := &wire.Op{Data: lent}
	b.recycle(op)
	if op.Data != nil {
		t.Fatal("a lent block was not taken back")
	}
	again := &wire.Op{Data: lent}
	b.recycle(again)
	if again.Data == nil {
		t.Fatal("a block was taken back twice")
	}
}
