//go:build linux

package source

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/wire"
)

// writes lists the write ops of ops as offset and data.
func writes(ops []*wire.Op) (out []wire.Op) {
	for _, op := range ops {
		if op.Kind == wire.OpWrite {
			out = append(out, wire.Op{Offset: op.Offset, Data: op.Data})
		}
	}
	return out
}

// An append to a file's last block sends only the appended bytes; a change
// to the block's old bytes sends the whole block again.
func TestAppendSendsOnlyNewBytes(t *testing.T) {
	root := t.TempDir()
	var log opLog
	b := newBuilder(root, blockhash.NewCache(4096, 1<<20), log.push)
	p := filepath.Join(root, "f")
	first := bytes.Repeat([]byte("a"), 5000) // one full block and 904 bytes of the next
	if err := os.WriteFile(p, first, 0o644); err != nil {
		t.Fatal(err)
	}
	b.syncPath("f", false, false, nil, false)
	log.take()

	f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("appended")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b.syncPath("f", false, false, nil, false)
	w := writes(log.take())
	if len(w) != 1 || w[0].Offset != 5000 || string(w[0].Data) != "appended" {
		t.Fatalf("append sent %+v, want only 8 bytes at 5000", w)
	}

	// The last block's old bytes change and it grows: all of it goes.
	all := append(bytes.Repeat([]byte("a"), 4096), bytes.Repeat([]byte("b"), 1000)...)
	if err := os.WriteFile(p, all, 0o644); err != nil {
		t.Fatal(err)
	}
	b.syncPath("f", false, false, nil, false)
	w = writes(log.take())
	if len(w) != 1 || w[0].Offset != 4096 || !bytes.Equal(w[0].Data, all[4096:]) {
		t.Fatalf("changed block sent as %d writes, want the whole block at 4096", len(w))
	}
}
