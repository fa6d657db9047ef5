package wire

import (
	"bytes"
	"errors"
	"testing"
)

// The primitives first: every message is built from these.
func TestEncoderPrimitives(t *testing.T) {
	cases := []struct {
		name string
		enc  func(e *encoder)
		hex  string
	}{
		{"u8", func(e *encoder) { e.u8(0xfe) }, "fe"},
		{"u16 big-endian", func(e *encoder) { e.u16(0x0102) }, "0102"},
		{"uvarint 0", func(e *encoder) { e.uvarint(0) }, "00"},
		{"uvarint 127", func(e *encoder) { e.uvarint(127) }, "7f"},
		{"uvarint 300", func(e *encoder) { e.uvarint(300) }, "ac02"},
		{"uvarint max", func(e *encoder) { e.uvarint(1<<64 - 1) }, "ffffffffffffffffff01"},
		{"varint -1 zig-zag", func(e *encoder) { e.varint(-1) }, "01"},
		{"varint 1 zig-zag", func(e *encoder) { e.varint(1) }, "02"},
		{"varint -64", func(e *encoder) { e.varint(-64) }, "7f"},
		{"bool", func(e *encoder) { e.bool(true); e.bool(false) }, "0100"},
		{"string", func(e *encoder) { e.str("ab") }, "026162"},
		{"empty string", func(e *encoder) { e.str("") }, "00"},
		{"bytes", func(e *encoder) { e.bytes([]byte{9}, 1) }, "0109"},
		{"fixed", func(e *encoder) { e.fixed([]byte{1, 2, 3}) }, "010203"},
	}
	for _, c := range cases {
		var e encoder
		c.enc(&e)
		if e.err != nil {
			t.Errorf("%s: %v", c.name, e.err)
			continue
		}
		if want := unhex(t, c.hex); !bytes.Equal(e.b, want) {
			t.Errorf("%s: got %x, want %x", c.name, e.b, want)
		}
	}
}

func TestEncoderFirstErrorSticks(t *testing.T) {
	var e encoder
	e.bytes(make([]byte, 3), 2)
	e.str(string(make([]byte, maxString+1)))
	if !errors.Is(e.err, ErrFieldTooLong) || !bytes.Contains([]byte(e.err.Error()), []byte("limit 2")) {
		t.Fatalf("err = %v, want the first ErrFieldTooLong (limit 2)", e.err)
	}
}

func TestDecoderPrimitives(t *testing.T) {
	d := decoder{b: unhex(t, "fe 0102 ac02 01 7f 01 00 026162 00 0109 010203")}
	if v := d.u8(); v != 0xfe {
		t.Errorf("u8 = %#x", v)
	}
	if v := d.u16(); v != 0x0102 {
		t.Errorf("u16 = %#x", v)
	}
	if v := d.uvarint(); v != 300 {
		t.Errorf("uvarint = %d", v)
	}
	if v := d.varint(); v != -1 {
		t.Errorf("varint = %d", v)
	}
	if v := d.varint(); v != -64 {
		t.Errorf("varint = %d", v)
	}
	if !d.bool() || d.bool() {
		t.Error("bools")
	}
	if s := d.str(); s != "ab" {
		t.Errorf("str = %q", s)
	}
	if b := d.bytes(10); b != nil {
		t.Errorf("empty bytes = %v, want nil", b)
	}
	if b := d.bytes(1); !bytes.Equal(b, []byte{9}) {
		t.Errorf("bytes = %x", b)
	}
	var f [3]byte
	if d.fixed(f[:]); f != [3]byte{1, 2, 3} {
		t.Errorf("fixed = %x", f)
	}
	if err := d.finish(); err != nil {
		t.Fatalf("finish: %v", err)
	}
}

func TestDecoderErrors(t *testing.T) {
	cases := []struct {
		name string
		hex  string
		read func(d *decoder)
		want error
	}{
		{"u8 on empty", "", func(d *decoder) { d.u8() }, ErrTruncated},
		{"u16 short", "01", func(d *decoder) { d.u16() }, ErrTruncated},
		{"uvarint cut", "80", func(d *decoder) { d.uvarint() }, ErrTruncated},
		{"uvarint overflow", "ffffffffffffffffff02", func(d *decoder) { d.uvarint() }, ErrBadValue},
		{"varint overflow", "ffffffffffffffffff02", func(d *decoder) { d.varint() }, ErrBadValue},
		{"uvarint32 overflow", "8080808010", func(d *decoder) { d.uvarint32() }, ErrBadValue},
		{"bool 2", "02", func(d *decoder) { d.bool() }, ErrBadValue},
		{"bytes over max", "03010203", func(d *decoder) { d.bytes(2) }, ErrFieldTooLong},
		{"bytes short", "030102", func(d *decoder) { d.bytes(9) }, ErrTruncated},
		{"count over payload", "03 0000", func(d *decoder) { d.count(1) }, ErrCountTooLarge},
		{"count of wide elements", "02 000000", func(d *decoder) { d.count(2) }, ErrCountTooLarge},
		{"trailing", "0000", func(d *decoder) { d.u8() }, ErrTrailingData},
	}
	for _, c := range cases {
		d := decoder{b: unhex(t, c.hex)}
		c.read(&d)
		if err := d.finish(); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}

// After the first error every read yields zero values and the error stays.
func TestDecoderStaysFailed(t *testing.T) {
	d := decoder{b: unhex(t, "05 0102")}
	_ = d.str()
	if v := d.u8(); v != 0 {
		t.Errorf("u8 after error = %d", v)
	}
	if err := d.finish(); !errors.Is(err, ErrTruncated) {
		t.Errorf("err = %v, want ErrTruncated", err)
	}
}

func TestCount(t *testing.T) {
	d := decoder{b: unhex(t, "02 0000")}
	if n := d.count(1); n != 2 || d.err != nil {
		t.Errorf("count = %d, %v", n, d.err)
	}
}
