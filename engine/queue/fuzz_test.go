package queue

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/dtrep/dtrep/engine/wire"
)

// FuzzRecord feeds arbitrary bytes to the record decoder: it must never
// panic, and whatever it accepts must encode back to the same bytes.
func FuzzRecord(f *testing.F) {
	for i, op := range []*wire.Op{repOp(1, 0), repOp(2, 100), mirOp(3, 7),
		{Kind: wire.OpRename, Path: "a", NewPath: "b", UID: -1, GID: -1}} {
		op.Seq = uint64(i + 1)
		b, _, err := appendRecord(nil, 5, op)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint32(5))
	}
	f.Add([]byte{}, uint32(0))
	f.Add(make([]byte, 16), uint32(0))
	f.Fuzz(func(t *testing.T, b []byte, seed uint32) {
		n, stored, framed, err := recordFrame(b, int64(len(b)))
		if err != nil {
			return
		}
		if framed > int64(len(b)) || recHeaderSize+n > len(b) {
			t.Fatalf("frame of %d bytes (body %d) accepted from %d bytes", framed, n, len(b))
		}
		op, err := decodeRecordBody(b[recHeaderSize:recHeaderSize+n], seed, stored)
		if err != nil {
			return
		}
		again, _, err := appendRecord(nil, seed, op)
		if err != nil {
			t.Fatalf("accepted op does not encode: %v", err)
		}
		if !bytes.Equal(again[:recHeaderSize+n], b[:recHeaderSize+n]) {
			t.Fatalf("accepted record does not round-trip")
		}
	})
}

// journalImage is a small valid journal, its files in memory.
type journalImage struct {
	files map[string][]byte // base name -> contents
	names []string          // sorted
	ops   []*wire.Op
}

func makeImage(f *testing.F) journalImage {
	dir := f.TempDir()
	o := Opts{Dir: dir, JobID: "fuzz", SegmentBytes: 1 << 10, UnsafeNoSync: true}
	q, _, err := Open(o)
	if err != nil {
		f.Fatal(err)
	}
	img := journalImage{files: map[string][]byte{}}
	for i := 1; i <= 12; i++ {
		op := repOp(i, 37*i%200)
		q.Push(op)
		img.ops = append(img.ops, op)
	}
	q.Close()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		img.files[e.Name()] = b
		img.names = append(img.names, e.Name())
	}
	sort.Strings(img.names)
	return img
}

// FuzzJournalRecovery damages a valid journal as the input says (each
// 8-byte step picks a file, an offset and either a byte to XOR in or a
// length to cut the file to) and reopens it: Open must not panic or fail,
// must replay a prefix of the original ops in order, and the journal must
// go on working.
func FuzzJournalRecovery(f *testing.F) {
	img := makeImage(f)
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 60, 0, 0, 0x10})
	f.Add([]byte{2, 1, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{3, 0, 0, 0, 100, 0, 0, 0xff, 0, 1, 0, 0, 8, 0, 0, 1})
	f.Fuzz(func(t *testing.T, steps []byte) {
		dir := t.TempDir()
		files := map[string][]byte{}
		for n, b := range img.files {
			files[n] = bytes.Clone(b)
		}
		for len(steps) >= 8 {
			s := steps[:8]
			steps = steps[8:]
			name := img.names[int(s[0])%len(img.names)]
			b := files[name]
			off := int(binary.LittleEndian.Uint16(s[1:3]))
			switch s[7] {
			case 0: // cut
				files[name] = b[:min(off, len(b))]
			default:
				if len(b) > 0 {
					b[off%len(b)] ^= s[7]
				}
			}
		}
		for n, b := range files {
			if err := os.WriteFile(filepath.Join(dir, n), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		o := Opts{Dir: dir, JobID: "fuzz", SegmentBytes: 1 << 10, UnsafeNoSync: true}
		q, rec, err := Open(o)
		if err != nil {
			t.Fatalf("open of a damaged journal failed: %v", err)
		}
		q.Rewind(0)
		got := takeAll(t, q)
		if len(got) > len(img.ops) || rec.Records != int64(len(got)) {
			t.Fatalf("replayed %d ops (recovery says %d) from %d", len(got), rec.Records, len(img.ops))
		}
		checkSame(t, got, img.ops[:len(got)])
		extra := repOp(99, 10)
		if q.Push(extra) == 0 {
			t.Fatal("push after recovery refused")
		}
		q.Close()
		q2, rec2, err := Open(o)
		if err != nil {
			t.Fatal(err)
		}
		defer q2.Close()
		q2.Rewind(0)
		again := takeAll(t, q2)
		if rec2.Damaged || rec2.TornTail {
			t.Fatalf("reopen after recovery found damage: %+v", rec2)
		}
		checkSame(t, again, append(append([]*wire.Op(nil), got...), extra))
	})
}
