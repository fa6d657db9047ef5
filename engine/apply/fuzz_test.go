package apply

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/wire"
)

// Path components the fuzzer combines: ordinary names, the fixture's
// escaping symlinks, an in-tree symlink, and malformed components.
var fuzzComps = []string{"a", "b", "d", "in", "rel", "abs", "up", "chain", "file", "outside", "keep", "sub", "..", ".", "", "x\x00y", "/"}

// opReader decodes fuzz bytes into ops; when the bytes run out it yields
// zeros, so every input decodes.
type opReader struct {
	b       []byte
	outside string
}

func (r *opReader) next() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *opReader) path() string {
	n := int(r.next() % 4)
	comps := make([]string, n)
	for i := range comps {
		comps[i] = fuzzComps[int(r.next())%len(fuzzComps)]
	}
	p := strings.Join(comps, "/")
	if r.next()%16 == 15 {
		p = "/" + p
	}
	return p
}

func (r *opReader) op() wire.Op {
	targets := []string{"../outside", r.outside, "..", "../..", "d", "in/../../outside", "/", "a"}
	op := wire.Op{
		Kind:    wire.OpKind(r.next() % 14), // includes the invalid 0 and 13
		Mirror:  r.next()%2 == 0,
		Path:    r.path(),
		NewPath: r.path(),
		Offset:  int64(r.next()) * 16,
		Size:    int64(r.next()) * 64,
		Data:    make([]byte, r.next()%32),
		Mode:    []uint32{0, 0o777, 0o4755, 0o600}[r.next()%4],
		UID:     []int64{-1, 0, 1000}[r.next()%3],
		GID:     []int64{-1, 0, 1000}[r.next()%3],
		Mtime:   int64(r.next()) * 1e9,
	}
	op.LinkTarget = targets[int(r.next())%len(targets)]
	return op
}

// FuzzApplyConfined applies random op sequences with random paths to an
// Applier whose root holds symlinks leading out of it, and checks that
// nothing outside the root was ever created, changed or removed.
func FuzzApplyConfined(f *testing.F) {
	// Layout of one op: kind, mirror, path (count, components, absolute),
	// new path (likewise), offset, size, data length, mode, uid, gid,
	// mtime, link target.
	f.Add([]byte{1, 0, 2, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})  // create rel/a
	f.Add([]byte{2, 0, 2, 4, 10, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0}) // write rel/keep
	f.Add([]byte{9, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,      // symlink a -> outside (absolute)
		1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // create a/a
	f.Add([]byte{5, 0, 1, 6, 0, 2, 3, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, // rename up -> in/up
		7, 0, 3, 3, 6, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) // mkdir in/up/sub
	f.Add([]byte{10, 0, 1, 8, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // hardlink file -> d/a
		2, 0, 2, 2, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0}) // write d/a
	f.Fuzz(func(t *testing.T, script []byte) {
		if len(script) > 2048 {
			return
		}
		opts := testOptions()
		opts.RetryLimit = 1
		opts.UnfinishedOpEvent = false
		opts.MaxOpenFiles = 3
		a, root, _ := newApplier(t, opts)
		outside := escapeFixture(t, root)
		if err := os.Mkdir(filepath.Join(root, "d"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("d", filepath.Join(root, "in")); err != nil {
			t.Fatal(err)
		}
		if len(script) > 0 {
			fuzzConfigure(a, script[0])
		}
		base := filepath.Dir(root)
		before := snapshot(t, outside)

		r := &opReader{b: script, outside: outside}
		for i := 0; i < 48 && len(r.b) > 0; i++ {
			op := r.op()
			a.Apply(context.Background(), &op)
		}
		// No Sync: it only flushes, and its disk flushes would slow the
		// fuzzer a hundredfold. Close still fsyncs the open handles.
		if err := a.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		if after := snapshot(t, outside); !slices.Equal(after, before) {
			t.Fatalf("outside the root changed:\nbefore %q\nafter  %q", before, after)
		}
		entries, err := os.ReadDir(base)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 || entries[0].Name() != "outside" || entries[1].Name() != "root" {
			t.Fatalf("entries beside the root: %v", entries)
		}
	})
}
