package blockhash

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

func sums(vals ...byte) []Sum {
	out := make([]Sum, len(vals))
	for i, v := range vals {
		out[i][0] = v
	}
	return out
}

func TestCacheLookupChecksIdentity(t *testing.T) {
	c := NewCache(4096, 1<<20)
	id := FileID{Size: 3, Mtime: 10, Inode: 5}
	c.Put("a", id, sums(1, 2, 3))
	if got, ok := c.Lookup("a", id); !ok || len(got) != 3 {
		t.Fatalf("lookup with same identity: %v %v", got, ok)
	}
	for _, other := range []FileID{{3, 11, 5}, {4, 10, 5}, {3, 10, 6}} {
		if _, ok := c.Lookup("a", other); ok {
			t.Fatalf("identity %+v matched %+v", other, id)
		}
	}
	if _, ok := c.Lookup("b", id); ok {
		t.Fatal("unknown path found")
	}
}

func TestCacheChanged(t *testing.T) {
	c := NewCache(4096, 1<<20)
	if got := c.Changed("a", sums(1, 2)); !slices.Equal(got, []int{0, 1}) {
		t.Fatalf("nothing cached: %v", got)
	}
	c.Put("a", FileID{}, sums(1, 2, 3, 4))
	cases := []struct {
		new  []Sum
		want []int
	}{
		{sums(1, 2, 3, 4), nil},
		{sums(1, 9, 3, 8), []int{1, 3}},
		{sums(1, 2, 3, 4, 5, 6), []int{4, 5}}, // grew
		{sums(1, 2), nil},                     // shrank: size says it
		{sums(7, 2), []int{0}},
	}
	for _, tc := range cases {
		if got := c.Changed("a", tc.new); !slices.Equal(got, tc.want) {
			t.Errorf("Changed(%v) = %v, want %v", tc.new, got, tc.want)
		}
	}
}

func TestCacheEvictsLeastRecentlyUsedByBytes(t *testing.T) {
	one := (&entry{path: "p0", sums: make([]Sum, 10)}).cost()
	c := NewCache(4096, 3*one)
	for i := range 3 {
		c.Put(fmt.Sprintf("p%d", i), FileID{}, make([]Sum, 10))
	}
	if c.Len() != 3 || c.Bytes() != 3*one {
		t.Fatalf("len %d bytes %d, want 3 and %d", c.Len(), c.Bytes(), 3*one)
	}
	c.Lookup("p0", FileID{}) // p1 is now the oldest
	c.Put("p3", FileID{}, make([]Sum, 10))
	if _, ok := c.Lookup("p1", FileID{}); ok {
		t.Fatal("least recently used entry kept")
	}
	for _, p := range []string{"p0", "p2", "p3"} {
		if _, ok := c.Lookup(p, FileID{}); !ok {
			t.Fatalf("%s evicted", p)
		}
	}
	// A big entry pushes out as many as needed.
	c.Put("big", FileID{}, make([]Sum, 25))
	if c.Bytes() > 3*one {
		t.Fatalf("over budget: %d > %d", c.Bytes(), 3*one)
	}
	// One larger than the whole budget is not kept, nor is its stale entry.
	c.Put("p3", FileID{}, make([]Sum, 1000))
	if _, ok := c.Lookup("p3", FileID{}); ok {
		t.Fatal("oversized entry stored")
	}
}

func TestCacheRenameRemove(t *testing.T) {
	c := NewCache(4096, 1<<20)
	c.Put("a", FileID{Inode: 1}, sums(1))
	c.Put("b", FileID{Inode: 2}, sums(2))
	c.Rename("a", "b")
	if got, ok := c.Lookup("b", FileID{Inode: 1}); !ok || got[0][0] != 1 {
		t.Fatal("rename did not carry the sums over the old entry")
	}
	if _, ok := c.Lookup("a", FileID{Inode: 1}); ok {
		t.Fatal("old name still cached")
	}
	if c.Len() != 1 || c.Bytes() != (&entry{path: "b", sums: sums(1)}).cost() {
		t.Fatalf("accounting after rename: len %d bytes %d", c.Len(), c.Bytes())
	}
	c.Put("c", FileID{}, sums(3))
	c.Rename("missing", "c")
	if _, ok := c.Lookup("c", FileID{}); ok {
		t.Fatal("renaming an uncached file over c left c's stale sums")
	}
	c.Remove("b")
	if c.Len() != 0 || c.Bytes() != 0 {
		t.Fatalf("not empty after remove: len %d bytes %d", c.Len(), c.Bytes())
	}
}

func TestDiffCommit(t *testing.T) {
	const bs = 4096
	data := randomBytes(3, 8*bs)
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	c := NewCache(bs, 1<<20)

	d, err := c.Diff(p)
	if err != nil {
		t.Fatal(err)
	}
	if d.Unchanged || len(d.Changed) != 8 || d.Size != int64(len(data)) {
		t.Fatalf("first diff: %+v", d)
	}
	// Not committed: the next diff still wants everything.
	if d, _ := c.Diff(p); len(d.Changed) != 8 {
		t.Fatalf("uncommitted diff was remembered: %v", d.Changed)
	}
	c.Commit(p, d)
	if d, _ := c.Diff(p); !d.Unchanged || len(d.Changed) != 0 {
		t.Fatalf("unchanged file re-read: %+v", d)
	}

	// Change block 5 in place and force a new mtime.
	fh, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteAt([]byte("changed"), 5*bs+10); err != nil {
		t.Fatal(err)
	}
	fh.Close()
	fi, _ := os.Stat(p)
	if err := os.Chtimes(p, fi.ModTime(), fi.ModTime().Add(1e9)); err != nil {
		t.Fatal(err)
	}
	d, err = c.Diff(p)
	if err != nil {
		t.Fatal(err)
	}
	if d.Unchanged || !slices.Equal(d.Changed, []int{5}) {
		t.Fatalf("after editing block 5: %+v", d.Changed)
	}
	if _, err := c.Diff(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("diff of a missing file succeeded")
	}
}

func TestCacheConcurrent(t *testing.T) {
	c := NewCache(4096, 64*(entryOverhead+16))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				p := fmt.Sprintf("g%d/%d", g, i%100)
				c.Put(p, FileID{Size: int64(i)}, sums(byte(i)))
				c.Lookup(p, FileID{Size: int64(i)})
				c.Changed(p, sums(byte(i+1)))
				if i%7 == 0 {
					c.Rename(p, p+"x")
				}
			}
		}()
	}
	wg.Wait()
	if c.Bytes() > 64*(entryOverhead+16) {
		t.Fatalf("over budget: %d", c.Bytes())
	}
}

func TestCacheSumsIgnoresIdentity(t *testing.T) {
	c := NewCache(4096, 1<<20)
	if _, _, ok := c.Sums("a"); ok {
		t.Fatal("sums of an uncached path")
	}
	c.Put("a", FileID{Size: 1}, sums(7))
	got, size, ok := c.Sums("a")
	if !ok || len(got) != 1 || got[0][0] != 7 || size != 1 {
		t.Fatalf("Sums = %v %d %v", got, size, ok)
	}
}
