package wire

import (
	"encoding/binary"
	"fmt"
)

// maxString bounds every string field (paths, names, texts): generous for a
// path, small enough that one field cannot claim a whole frame.
const maxString = 1<<16 - 1

// encoder appends the compact binary form of message fields to b. Integers
// are varints (signed ones zig-zag), enums and flags one byte, digests and
// nonces fixed-size, strings and byte slices uvarint-length-prefixed. The
// first error sticks, so a message's encode method needs no error plumbing.
type encoder struct {
	b   []byte
	err error
}

func (e *encoder) u8(v uint8)       { e.b = append(e.b, v) }
func (e *encoder) u16(v uint16)     { e.b = binary.BigEndian.AppendUint16(e.b, v) }
func (e *encoder) uvarint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) varint(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) fixed(p []byte)   { e.b = append(e.b, p...) }

func (e *encoder) bool(v bool) {
	if v {
		e.u8(1)
	} else {
		e.u8(0)
	}
}

// count writes a slice length; the decoder checks it against what is left.
func (e *encoder) count(n int) { e.uvarint(uint64(n)) }

func (e *encoder) bytes(p []byte, max int) {
	if len(p) > max {
		e.fail(fmt.Errorf("%w: %d bytes, limit %d", ErrFieldTooLong, len(p), max))
		return
	}
	e.uvarint(uint64(len(p)))
	e.b = append(e.b, p...)
}

func (e *encoder) str(s string) {
	if len(s) > maxString {
		e.fail(fmt.Errorf("%w: string of %d bytes, limit %d", ErrFieldTooLong, len(s), maxString))
		return
	}
	e.uvarint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

// decoder reads what encoder wrote. Every read is bounds-checked against the
// remaining payload; after the first error reads return zero values and the
// error sticks, so a message's decode method reads straight through.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b) {
		d.fail(fmt.Errorf("%w: need %d bytes, have %d", ErrTruncated, n, len(d.b)))
		return nil
	}
	p := d.b[:n:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) u8() uint8 {
	if p := d.take(1); p != nil {
		return p[0]
	}
	return 0
}

func (d *decoder) u16() uint16 {
	if p := d.take(2); p != nil {
		return binary.BigEndian.Uint16(p)
	}
	return 0
}

func (d *decoder) fixed(dst []byte) {
	if p := d.take(len(dst)); p != nil {
		copy(dst, p)
	}
}

func (d *decoder) bool() bool {
	switch v := d.u8(); v {
	case 0:
		return false
	case 1:
		return true
	default:
		d.fail(fmt.Errorf("%w: bool %d", ErrBadValue, v))
		return false
	}
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	switch {
	case n == 0:
		d.fail(fmt.Errorf("%w: varint", ErrTruncated))
		return 0
	case n < 0:
		d.fail(fmt.Errorf("%w: varint overflows 64 bits", ErrBadValue))
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	switch {
	case n == 0:
		d.fail(fmt.Errorf("%w: varint", ErrTruncated))
		return 0
	case n < 0:
		d.fail(fmt.Errorf("%w: varint overflows 64 bits", ErrBadValue))
		return 0
	}
	d.b = d.b[n:]
	return v
}

// uvarint32 reads a uvarint that must fit 32 bits.
func (d *decoder) uvarint32() uint32 {
	v := d.uvarint()
	if v > 1<<32-1 {
		d.fail(fmt.Errorf("%w: %d does not fit 32 bits", ErrBadValue, v))
		return 0
	}
	return uint32(v)
}

// count reads a slice length and rejects it unless that many elements of at
// least minSize bytes each fit in what is left, so a forged count can never
// make the caller allocate more than the payload justifies.
func (d *decoder) count(minSize int) int {
	v := d.uvarint()
	if d.err != nil {
		return 0
	}
	if v > uint64(len(d.b)/minSize) {
		d.fail(fmt.Errorf("%w: %d elements in %d bytes", ErrCountTooLarge, v, len(d.b)))
		return 0
	}
	return int(v)
}

// bytes returns a length-prefixed byte slice. It aliases the payload: the
// connection gives each frame a fresh buffer, so messages may keep it.
func (d *decoder) bytes(max int) []byte {
	v := d.uvarint()
	if d.err != nil {
		return nil
	}
	if v > uint64(max) {
		d.fail(fmt.Errorf("%w: %d bytes, limit %d", ErrFieldTooLong, v, max))
		return nil
	}
	if v == 0 {
		return nil
	}
	return d.take(int(v))
}

func (d *decoder) str() string { return string(d.bytes(maxString)) }

// finish reports the first error, or ErrTrailingData if bytes are left over:
// a valid message is consumed exactly.
func (d *decoder) finish() error {
	if d.err != nil {
		return d.err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("%w: %d bytes", ErrTrailingData, len(d.b))
	}
	return nil
}
