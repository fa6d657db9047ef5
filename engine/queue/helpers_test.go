package queue

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/wire"
)

// repOp is a replication write whose data names its index, so a test can
// tell ops apart after a round trip through the journal.
func repOp(i, size int) *wire.Op {
	data := bytes.Repeat([]byte{byte(i)}, size)
	return &wire.Op{Kind: wire.OpWrite, Path: fmt.Sprintf("dir/file-%d", i), Offset: int64(i), Data: data,
		UID: -1, GID: -1}
}

func mirOp(i, size int) *wire.Op {
	op := repOp(i, size)
	op.Mirror = true
	return op
}

// overflows records what OnOverflow was told.
type overflows struct {
	mu   sync.Mutex
	seen []Overflow
}

func (o *overflows) record(why Overflow) {
	o.mu.Lock()
	o.seen = append(o.seen, why)
	o.mu.Unlock()
}

func (o *overflows) list() []Overflow {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Overflow(nil), o.seen...)
}

// testOpts is a journaled queue in a fresh directory with small segments.
func testOpts(t testing.TB, dir string) Opts {
	t.Helper()
	return Opts{Dir: dir, JobID: "job-1", SegmentBytes: 4 << 10, CommitDelay: time.Millisecond}
}

func mustOpen(t testing.TB, o Opts) (*Queue, Recovery) {
	t.Helper()
	q, rec, err := Open(o)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return q, rec
}

// takeAll takes every pending op (window unlimited) without waiting.
func takeAll(t testing.TB, q *Queue) []*wire.Op {
	t.Helper()
	var out []*wire.Op
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		b, err := q.Take(ctx, 1000, 1<<30, 1<<30)
		cancel()
		if err != nil {
			return out
		}
		out = append(out, b...)
	}
}

// checkSame fails unless got are the ops want, in order, with their data.
func checkSame(t testing.TB, got, want []*wire.Op) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d ops, want %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Seq != w.Seq || g.Kind != w.Kind || g.Path != w.Path || g.Offset != w.Offset ||
			g.Mirror != w.Mirror || !bytes.Equal(g.Data, w.Data) || g.Incompressible != w.Incompressible {
			t.Fatalf("op %d: got seq %d %s %q, want seq %d %s %q", i, g.Seq, g.Kind, g.Path, w.Seq, w.Kind, w.Path)
		}
	}
}

func segmentFiles(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*"+segSuffix))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
