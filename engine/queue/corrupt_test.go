package queue

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/wire"
)

// buildJournal writes n replication ops of size bytes into a closed
// journal in dir and returns them.
func buildJournal(t *testing.T, dir string, n, size int) []*wire.Op {
	t.Helper()
	q, _ := mustOpen(t, testOpts(t, dir))
	var ops []*wire.Op
	for i := 1; i <= n; i++ {
		op := repOp(i, size)
		if q.Push(op) == 0 {
			t.Fatalf("push %d refused", i)
		}
		ops = append(ops, op)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	return ops
}

// recordOffsets lists where each record of a segment file starts.
func recordOffsets(t *testing.T, path string) []int64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var offs []int64
	for off := int64(segHeaderSize); off+recHeaderSize <= int64(len(b)); {
		n := int64(binary.LittleEndian.Uint32(b[off:]))
		offs = append(offs, off)
		off += pad8(recHeaderSize + n)
	}
	return offs
}

func rewrite(t *testing.T, path string, edit func([]byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, edit(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

// recovered reopens dir and returns what it replays.
func recovered(t *testing.T, dir string) ([]*wire.Op, Recovery, *Queue) {
	t.Helper()
	q, rec := mustOpen(t, testOpts(t, dir))
	q.Rewind(0)
	return takeAll(t, q), rec, q
}

// Hand-damaged journals: each case keeps exactly the valid prefix, reports
// a torn tail or damage as it should, and the journal works afterwards
// (appends, then a clean reopen).
func TestRecoveryFromDamage(t *testing.T) {
	const n, size = 40, 500
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string, segs []string)
		keep   func(segs []string) int // ops expected back, given the segment files before damage
		torn   bool
		bad    bool
		fresh  bool // a new epoch: nothing replayed
	}{
		{
			name:   "clean",
			damage: func(t *testing.T, dir string, segs []string) {},
			keep:   func([]string) int { return n },
		},
		{
			name: "torn last record",
			damage: func(t *testing.T, dir string, segs []string) {
				last := segs[len(segs)-1]
				offs := recordOffsets(t, last)
				rewrite(t, last, func(b []byte) []byte { return b[:offs[len(offs)-1]+recHeaderSize+7] })
			},
			keep: func([]string) int { return n - 1 },
			torn: true,
		},
		{
			name: "torn record header",
			damage: func(t *testing.T, dir string, segs []string) {
				last := segs[len(segs)-1]
				offs := recordOffsets(t, last)
				rewrite(t, last, func(b []byte) []byte { return b[:offs[len(offs)-1]+3] })
			},
			keep: func([]string) int { return n - 1 },
			torn: true,
		},
		{
			name: "zeros after the last record",
			damage: func(t *testing.T, dir string, segs []string) {
				last := segs[len(segs)-1]
				rewrite(t, last, func(b []byte) []byte { return append(b, make([]byte, 4096)...) })
			},
			keep: func([]string) int { return n },
			torn: true,
		},
		{
			name: "garbled last record",
			damage: func(t *testing.T, dir string, segs []string) {
				last := segs[len(segs)-1]
				rewrite(t, last, func(b []byte) []byte { b[len(b)-20] ^= 0xff; return b })
			},
			keep: func([]string) int { return n - 1 },
			torn: true,
		},
		{
			name: "flipped byte in an early segment",
			damage: func(t *testing.T, dir string, segs []string) {
				offs := recordOffsets(t, segs[1])
				rewrite(t, segs[1], func(b []byte) []byte { b[offs[1]+recHeaderSize+30] ^= 0x01; return b })
			},
			keep: func(segs []string) int { return opsIn(segs[:1]) + 1 },
			bad:  true,
		},
		{
			name: "records swapped",
			damage: func(t *testing.T, dir string, segs []string) {
				offs := recordOffsets(t, segs[0])
				rewrite(t, segs[0], func(b []byte) []byte {
					a := append([]byte(nil), b[offs[0]:offs[1]]...)
					copy(b[offs[0]:], b[offs[1]:offs[2]])
					copy(b[offs[1]:], a)
					return b
				})
			},
			keep: func([]string) int { return 0 },
			bad:  true,
		},
		{
			name: "bad header in a middle segment",
			damage: func(t *testing.T, dir string, segs []string) {
				rewrite(t, segs[2], func(b []byte) []byte { b[0] = 'X'; return b })
			},
			keep: func(segs []string) int { return opsIn(segs[:2]) },
			bad:  true,
		},
		{
			name: "last segment cut inside its header",
			damage: func(t *testing.T, dir string, segs []string) {
				rewrite(t, segs[len(segs)-1], func(b []byte) []byte { return b[:10] })
			},
			keep: func(segs []string) int { return opsIn(segs[:len(segs)-1]) },
			torn: true,
		},
		{
			name: "early segment cut at a record boundary",
			damage: func(t *testing.T, dir string, segs []string) {
				offs := recordOffsets(t, segs[1])
				rewrite(t, segs[1], func(b []byte) []byte { return b[:offs[2]] })
			},
			keep: func(segs []string) int { return opsIn(segs[:1]) + 2 },
			bad:  true,
		},
		{
			name: "middle segment missing",
			damage: func(t *testing.T, dir string, segs []string) {
				if err := os.Remove(segs[2]); err != nil {
					t.Fatal(err)
				}
			},
			keep: func(segs []string) int { return opsIn(segs[:2]) },
			bad:  true,
		},
		{
			name: "segment of another epoch",
			damage: func(t *testing.T, dir string, segs []string) {
				rewrite(t, segs[1], func(b []byte) []byte {
					binary.LittleEndian.PutUint64(b[8:], 12345)
					binary.LittleEndian.PutUint32(b[48:], crc32.Checksum(b[:48], crcTable))
					return b
				})
			},
			keep: func(segs []string) int { return opsIn(segs[:1]) },
			bad:  true,
		},
		{
			name: "meta missing",
			damage: func(t *testing.T, dir string, segs []string) {
				if err := os.Remove(filepath.Join(dir, metaFile)); err != nil {
					t.Fatal(err)
				}
			},
			keep:  func([]string) int { return 0 },
			bad:   true,
			fresh: true,
		},
		{
			name: "meta corrupt",
			damage: func(t *testing.T, dir string, segs []string) {
				rewrite(t, filepath.Join(dir, metaFile), func(b []byte) []byte { b[10] ^= 0x80; return b })
			},
			keep:  func([]string) int { return 0 },
			bad:   true,
			fresh: true,
		},
		{
			name: "meta of another job",
			damage: func(t *testing.T, dir string, segs []string) {
				m, err := readMeta(dir)
				if err != nil {
					t.Fatal(err)
				}
				m.jobID = "job-2"
				if err := writeMeta(dir, m, true); err != nil {
					t.Fatal(err)
				}
			},
			keep:  func([]string) int { return 0 },
			bad:   true,
			fresh: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ops := buildJournal(t, dir, n, size)
			m0, _ := readMeta(dir)
			segs := segmentFiles(t, dir)
			if len(segs) < 4 {
				t.Fatalf("only %d segments", len(segs))
			}
			want := tc.keep(segs)
			tc.damage(t, dir, segs)
			got, rec, q := recovered(t, dir)
			checkSame(t, got, ops[:want])
			if rec.TornTail != tc.torn || rec.Damaged != tc.bad {
				t.Fatalf("recovery %+v, want torn %v damaged %v", rec, tc.torn, tc.bad)
			}
			if fresh := q.Epoch() != m0.epoch; fresh != tc.fresh {
				t.Fatalf("new epoch %v, want %v", fresh, tc.fresh)
			}
			if q.NextSeq() <= uint64(want) {
				t.Fatalf("next sequence %d after recovering %d ops", q.NextSeq(), want)
			}
			// The journal goes on working: append, reopen, and everything
			// unacknowledged comes back in order.
			extra := repOp(1000, 64)
			if q.Push(extra) == 0 {
				t.Fatal("push after recovery refused")
			}
			if err := q.Close(); err != nil {
				t.Fatal(err)
			}
			again, rec2, q2 := recovered(t, dir)
			defer q2.Close()
			if rec2.Damaged || rec2.TornTail {
				t.Fatalf("second reopen: %+v", rec2)
			}
			checkSame(t, again, append(append([]*wire.Op(nil), ops[:want]...), extra))
		})
	}
}

// opsIn counts the records in segment files.
func opsIn(segs []string) int {
	n := 0
	for _, s := range segs {
		b, _ := os.ReadFile(s)
		for off := int64(segHeaderSize); off+recHeaderSize <= int64(len(b)); n++ {
			off += pad8(recHeaderSize + int64(binary.LittleEndian.Uint32(b[off:])))
		}
	}
	return n
}

// A record's encoding round-trips and any single flipped bit is caught.
func TestRecordBitFlipsDetected(t *testing.T) {
	op := repOp(7, 64)
	op.Seq = 7
	op.Incompressible = true
	buf, crc, err := appendRecord(nil, 99, op)
	if err != nil {
		t.Fatal(err)
	}
	n, stored, framed, err := recordFrame(buf, int64(len(buf)))
	if err != nil || framed != int64(len(buf)) || stored != crc {
		t.Fatalf("frame: %d %d %v", n, framed, err)
	}
	got, err := decodeRecordBody(buf[recHeaderSize:recHeaderSize+n], 99, stored)
	if err != nil {
		t.Fatal(err)
	}
	checkSame(t, []*wire.Op{got}, []*wire.Op{op})
	if _, err := decodeRecordBody(buf[recHeaderSize:recHeaderSize+n], 98, stored); err == nil {
		t.Fatal("wrong chain seed accepted")
	}
	for bit := 0; bit < (recHeaderSize+n)*8; bit++ {
		b := bytes.Clone(buf)
		b[bit/8] ^= 1 << (bit % 8)
		n2, stored2, _, err := recordFrame(b, int64(len(b)))
		if err != nil {
			continue
		}
		if _, err := decodeRecordBody(b[recHeaderSize:recHeaderSize+n2], 99, stored2); err == nil {
			t.Fatalf("bit %d flipped, record still accepted", bit)
		}
	}
}
