package blockhash

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func randomBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func writeTemp(t testing.TB, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// expectSums hashes data block by block in memory: the reference the
// chunked file reader must agree with.
func expectSums(data []byte, bs int) []Sum {
	var out []Sum
	for p := 0; p < len(data); p += bs {
		out = append(out, Block(data[p:min(p+bs, len(data))]))
	}
	return out
}

func TestHashFileMatchesBlocks(t *testing.T) {
	// Sizes straddle the reader's chunk so block alignment across chunks is
	// exercised, including block sizes that do not divide the chunk and a
	// block larger than the chunk.
	sizes := []int{0, 1, 4095, 4096, 4097, readChunk - 1, readChunk + 12345, 3*readChunk + 7}
	blocks := []int{1000, 4096, 65536, 2*readChunk + 3}
	for _, size := range sizes {
		data := randomBytes(uint64(size), size)
		p := writeTemp(t, data)
		for _, bs := range blocks {
			sums, n, err := HashFile(p, bs)
			if err != nil {
				t.Fatalf("size %d bs %d: %v", size, bs, err)
			}
			if n != int64(size) {
				t.Fatalf("size %d bs %d: hashed %d bytes", size, bs, n)
			}
			want := expectSums(data, bs)
			if len(sums) != len(want) {
				t.Fatalf("size %d bs %d: %d sums, want %d", size, bs, len(sums), len(want))
			}
			for i := range want {
				if sums[i] != want[i] {
					t.Fatalf("size %d bs %d: sum %d differs", size, bs, i)
				}
			}
		}
	}
}

func TestHashRange(t *testing.T) {
	data := randomBytes(7, 10*4096+100)
	f, err := os.Open(writeTemp(t, data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	sums, err := HashRange(f, 2*4096, 3*4096, 4096)
	if err != nil {
		t.Fatal(err)
	}
	all := expectSums(data, 4096)
	if len(sums) != 3 || sums[0] != all[2] || sums[2] != all[4] {
		t.Fatalf("range sums do not match blocks 2..4: %v", sums)
	}

	// Past EOF: the sums cover what exists, the last one short.
	sums, err = HashRange(f, 9*4096, 5*4096, 4096)
	if err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 || sums[0] != all[9] || sums[1] != all[10] {
		t.Fatalf("tail sums: got %d sums", len(sums))
	}

	// ReadAt leaves the file offset alone.
	if off, _ := f.Seek(0, 1); off != 0 {
		t.Fatalf("offset moved to %d", off)
	}
}

func TestHashErrors(t *testing.T) {
	p := writeTemp(t, []byte("abc"))
	if _, _, err := HashFile(p, 0); err == nil {
		t.Fatal("block size 0 accepted")
	}
	if _, _, err := HashFile(filepath.Join(t.TempDir(), "missing"), 4096); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	f, _ := os.Open(p)
	defer f.Close()
	if _, err := HashRange(f, -1, 10, 4096); err == nil {
		t.Fatal("negative offset accepted")
	}
}

func TestBlockDistinguishes(t *testing.T) {
	a := randomBytes(1, 4096)
	b := bytes.Clone(a)
	b[4095] ^= 1
	if Block(a) == Block(b) {
		t.Fatal("one flipped bit gave the same sum")
	}
	if Block(a) != Block(bytes.Clone(a)) {
		t.Fatal("equal blocks gave different sums")
	}
	if len(Block(nil).String()) != 2*Size {
		t.Fatal("String is not hex of the sum")
	}
}

// FuzzHashRange checks the chunked reader against the in-memory reference
// for arbitrary contents, block sizes and ranges.
func FuzzHashRange(f *testing.F) {
	f.Add([]byte("hello, world"), uint16(4), uint16(0), uint16(100))
	f.Add(make([]byte, 5000), uint16(1000), uint16(1000), uint16(3001))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte, bs, off, n uint16) {
		if bs == 0 {
			return
		}
		p := filepath.Join(dir, "fuzz")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		fh, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		sums, err := HashRange(fh, int64(off), int64(n), int(bs))
		if err != nil {
			t.Fatal(err)
		}
		lo := min(int(off), len(data))
		hi := min(int(off)+int(n), len(data))
		want := expectSums(data[lo:hi], int(bs))
		if len(sums) != len(want) {
			t.Fatalf("%d sums, want %d", len(sums), len(want))
		}
		for i := range want {
			if sums[i] != want[i] {
				t.Fatalf("sum %d differs", i)
			}
		}
	})
}
