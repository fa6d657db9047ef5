package wire

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// Frame geometry; see the package documentation for the layout.
const (
	FrameVersion = 1
	HeaderSize   = 12
	TrailerSize  = 4
	// MaxPayload bounds a frame's payload, compressed or not, and a
	// compressed payload's decoded size.
	MaxPayload = 16 << 20
	// MaxFrame is the most a reader ever allocates for one frame.
	MaxFrame = HeaderSize + MaxPayload + TrailerSize
)

// FlagCompressed marks a zstd-compressed payload.
const FlagCompressed = 1 << 0

var frameMagic = [4]byte{'D', 'T', 'R', 'W'}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crcPiece is how much of a payload is read before its checksum is
// updated (readFrame).
const crcPiece = 128 << 10

// sealFrame turns buf, whose first HeaderSize bytes are reserved and whose
// rest is the payload, into a complete frame: it fills the header and
// appends the checksum. The payload length must not exceed MaxPayload.
func sealFrame(buf []byte, t MsgType, flags uint8) []byte {
	h := buf[:HeaderSize]
	copy(h, frameMagic[:])
	h[4] = FrameVersion
	h[5] = uint8(t)
	h[6] = flags
	h[7] = 0
	binary.BigEndian.PutUint32(h[8:], uint32(len(buf)-HeaderSize))
	return binary.BigEndian.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
}

// frame is a frame read off the wire and checked.
type frame struct {
	typ     MsgType
	flags   uint8
	payload []byte  // as sent: compressed when flags has FlagCompressed
	pooled  *[]byte // the buffer payload lies in, when it came from the pool
}

// Payloads of poolMin bytes or more are read into buffers that are used
// again (Ops.Release): a fresh 4 MiB buffer per frame cost more than the
// copy that filled it (page faults, clearing, and the checksum reading
// memory no cache had seen), a fifth of a big file's mirror CPU.
const poolMin = 1 << 20

var payloads = sync.Pool{New: func() any { b := make([]byte, MaxPayload+TrailerSize); return &b }}

// payloadBuffer returns a buffer of n bytes and, when it is pooled, the
// handle that gives it back.
func payloadBuffer(n int) ([]byte, *[]byte) {
	if n < poolMin || n > MaxPayload+TrailerSize {
		return make([]byte, n), nil
	}
	p := payloads.Get().(*[]byte)
	return (*p)[:n], p
}

// putPayload gives a pooled buffer back; nil is ignored.
func putPayload(p *[]byte) {
	if p != nil {
		payloads.Put(p)
	}
}

// errFrameLost wraps errors after which the stream is no longer aligned on a
// frame boundary.
type errFrameLost struct{ err error }

func (e errFrameLost) Error() string { return e.err.Error() }
func (e errFrameLost) Unwrap() error { return e.err }

// readFrame reads and verifies one frame. The header is peeked, not
// consumed, until it is valid, so an error there (a read deadline, say)
// leaves the stream aligned and the next call can retry; errors after that
// are wrapped in errFrameLost, except ErrBadChecksum, ErrUnknownType and
// ErrUnknownFlags, which come after the whole frame was consumed.
//
// Checks run in the order the bytes allow: magic, version and length before
// anything is allocated, the checksum before type and flags so a corrupted
// type byte reports as the corruption it is.
//
// limit, when not 0, lowers MaxPayload for this frame (see
// HandshakeMaxPayload).
func readFrame(r *bufio.Reader, limit int) (frame, error) {
	hdr, err := r.Peek(HeaderSize)
	if err != nil {
		if err == io.EOF && len(hdr) > 0 {
			err = io.ErrUnexpectedEOF
		}
		return frame{}, err
	}
	if [4]byte(hdr[:4]) != frameMagic {
		return frame{}, errFrameLost{fmt.Errorf("%w: % x", ErrBadMagic, hdr[:4])}
	}
	if hdr[4] != FrameVersion {
		return frame{}, errFrameLost{fmt.Errorf("%w: %d", ErrBadVersion, hdr[4])}
	}
	n := binary.BigEndian.Uint32(hdr[8:])
	if limit <= 0 || limit > MaxPayload {
		limit = MaxPayload
	}
	if n > uint32(limit) {
		return frame{}, errFrameLost{fmt.Errorf("%w: payload of %d bytes, limit %d", ErrFrameTooLarge, n, limit)}
	}
	f := frame{typ: MsgType(hdr[5]), flags: hdr[6]}
	reserved := hdr[7]
	crc := crc32.Checksum(hdr, castagnoli)
	if _, err := r.Discard(HeaderSize); err != nil {
		return frame{}, errFrameLost{err}
	}

	buf, pooled := payloadBuffer(int(n) + TrailerSize)
	f.pooled = pooled
	// The checksum is taken piece by piece as the payload arrives, while
	// each piece is still in the CPU's cache: over a whole 4 MiB payload
	// afterwards it cost a fifth of a big file's mirror CPU.
	for got := 0; got < int(n); {
		end := min(got+crcPiece, int(n))
		if _, err := io.ReadFull(r, buf[got:end]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			putPayload(pooled)
			return frame{}, errFrameLost{fmt.Errorf("reading payload: %w", err)}
		}
		crc = crc32.Update(crc, castagnoli, buf[got:end])
		got = end
	}
	if _, err := io.ReadFull(r, buf[n:]); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		putPayload(pooled)
		return frame{}, errFrameLost{fmt.Errorf("reading payload: %w", err)}
	}
	f.payload = buf[:n:n]
	var err2 error
	switch want := binary.BigEndian.Uint32(buf[n:]); {
	case crc != want:
		err2 = fmt.Errorf("%w: computed %08x, frame says %08x", ErrBadChecksum, crc, want)
	case !f.typ.Valid():
		err2 = fmt.Errorf("%w: %d", ErrUnknownType, uint8(f.typ))
	case f.flags&^FlagCompressed != 0 || reserved != 0:
		err2 = fmt.Errorf("%w: %#x/%#x", ErrUnknownFlags, f.flags, reserved)
	}
	if err2 != nil {
		putPayload(pooled)
		return frame{}, err2
	}
	return f, nil
}
