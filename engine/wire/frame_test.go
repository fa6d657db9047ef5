package wire

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"runtime"
	"testing"
)

// goldenPingFrame is Ping{ID: 1} framed uncompressed.
const goldenPingFrame = "44545257 01 09 00 00 00000001 | 01 | 1b06267a"

func goldenFrame(t testing.TB) []byte {
	return unhex(t, stripBars(goldenPingFrame))
}

func stripBars(s string) string { return string(bytes.ReplaceAll([]byte(s), []byte("|"), nil)) }

func TestCastagnoliCheckValue(t *testing.T) {
	// The standard check value of CRC-32C pins the polynomial.
	if got := crc32.Checksum([]byte("123456789"), castagnoli); got != 0xe3069283 {
		t.Fatalf("crc32c(123456789) = %08x", got)
	}
}

func TestGoldenFrame(t *testing.T) {
	buf, err := (&Ping{ID: 1}).AppendBinary(make([]byte, HeaderSize))
	if err != nil {
		t.Fatal(err)
	}
	got := sealFrame(buf, MsgPing, 0)
	want := goldenFrame(t)
	if !bytes.Equal(got, want) {
		t.Fatalf("frame:\n got %x\nwant %x", got, want)
	}
	f, err := readFrame(bufio.NewReader(bytes.NewReader(want)), 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.typ != MsgPing || f.flags != 0 || !bytes.Equal(f.payload, []byte{1}) {
		t.Fatalf("read %+v", f)
	}
}

// reseal recomputes the checksum after a test edited a frame's header.
func reseal(f []byte) []byte {
	n := len(f) - TrailerSize
	binary.BigEndian.PutUint32(f[n:], crc32.Checksum(f[:n], castagnoli))
	return f
}

func TestReadFrameErrors(t *testing.T) {
	edit := func(fn func(f []byte) []byte) []byte { return fn(goldenFrame(t)) }
	cases := []struct {
		name  string
		input []byte
		want  error
		lost  bool // stream no longer aligned
	}{
		{"empty", nil, io.EOF, false},
		{"header cut", goldenFrame(t)[:5], io.ErrUnexpectedEOF, false},
		{"payload cut", goldenFrame(t)[:HeaderSize+1], io.ErrUnexpectedEOF, true},
		{"trailer cut", goldenFrame(t)[:HeaderSize+3], io.ErrUnexpectedEOF, true},
		{"bad magic", edit(func(f []byte) []byte { f[0] = 'X'; return f }), ErrBadMagic, true},
		{"bad version", edit(func(f []byte) []byte { f[4] = 2; return f }), ErrBadVersion, true},
		{"oversize length", edit(func(f []byte) []byte {
			binary.BigEndian.PutUint32(f[8:], MaxPayload+1)
			return f
		}), ErrFrameTooLarge, true},
		{"max length", edit(func(f []byte) []byte {
			binary.BigEndian.PutUint32(f[8:], 1<<32-1)
			return f
		}), ErrFrameTooLarge, true},
		{"payload bit flipped", edit(func(f []byte) []byte { f[HeaderSize] ^= 0x40; return f }), ErrBadChecksum, false},
		{"trailer bit flipped", edit(func(f []byte) []byte { f[len(f)-1] ^= 1; return f }), ErrBadChecksum, false},
		{"type byte flipped", edit(func(f []byte) []byte { f[5] = 0x7f; return f }), ErrBadChecksum, false},
		{"unknown type", edit(func(f []byte) []byte { f[5] = 0x7f; return reseal(f) }), ErrUnknownType, false},
		{"type zero", edit(func(f []byte) []byte { f[5] = 0; return reseal(f) }), ErrUnknownType, false},
		{"unknown flag", edit(func(f []byte) []byte { f[6] = 0x80; return reseal(f) }), ErrUnknownFlags, false},
		{"reserved set", edit(func(f []byte) []byte { f[7] = 1; return reseal(f) }), ErrUnknownFlags, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := readFrame(bufio.NewReader(bytes.NewReader(c.input)), 0)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
			if lost := errors.As(err, new(errFrameLost)); lost != c.lost {
				t.Fatalf("stream lost = %v, want %v", lost, c.lost)
			}
		})
	}
}

// A frame with a bad checksum is consumed whole: the next one reads fine.
func TestReadFrameAfterBadChecksum(t *testing.T) {
	bad := goldenFrame(t)
	bad[HeaderSize] ^= 1
	r := bufio.NewReader(bytes.NewReader(append(bad, goldenFrame(t)...)))
	if _, err := readFrame(r, 0); !errors.Is(err, ErrBadChecksum) {
		t.Fatalf("first frame: %v", err)
	}
	f, err := readFrame(r, 0)
	if err != nil || f.typ != MsgPing {
		t.Fatalf("second frame: %+v, %v", f, err)
	}
	if _, err := readFrame(r, 0); err != io.EOF {
		t.Fatalf("end: %v, want io.EOF", err)
	}
}

// An oversize length is refused from the header alone: the reader neither
// waits for nor allocates the payload it announces.
func TestReadFrameOversizeAllocatesNothing(t *testing.T) {
	hdr := goldenFrame(t)[:HeaderSize]
	binary.BigEndian.PutUint32(hdr[8:], 1<<31)
	br := bufio.NewReader(bytes.NewReader(hdr))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := readFrame(br, 0)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Fatalf("allocated %d bytes for a refused header", n)
	}
}
