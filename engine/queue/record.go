package queue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/dtrep/dtrep/engine/wire"
)

// On-disk layout of a journal segment (all integers little-endian):
//
//	segment header, 56 bytes:
//	  0  4  magic "DTRQ"
//	  4  2  format version (1)
//	  6  2  reserved, zero
//	  8  8  epoch of the queue that wrote the segment
//	  16 8  first sequence the segment may hold (also its file name)
//	  24 8  the previous segment's first sequence (0 for none)
//	  32 8  the previous segment's final size
//	  40 4  the previous segment's final CRC chain value
//	  44 4  reserved, zero
//	  48 4  CRC32C of bytes 0..48
//	  52 4  reserved, zero
//	  The previous segment's figures chain the files: a segment lost or
//	  cut short (even at a record boundary) before the last one shows.
//	records, each starting at an 8-byte aligned offset:
//	  0  4  body length n (>= 9)
//	  4  4  CRC32C of the body, chained: seeded with the previous record's
//	        CRC (the header's CRC for the first record of a segment)
//	  8  n  body: sequence (8), flags (1), the op in the wire codec
//	  8+n   zero padding to the next multiple of 8
//
// The 8-byte record header sits in one aligned word, so a crash never tears
// the length from its CRC (etcd's WAL relies on the same property). A torn
// tail shows as a length running past the end of the file or as a CRC
// mismatch; the chained CRC also catches a valid-looking record that does
// not belong where it is (a stale block, a record copied from elsewhere).
const (
	segMagic      = "DTRQ"
	segVersion    = 1
	segHeaderSize = 56
	recHeaderSize = 8
	recMinBody    = 9
	// recMaxBody bounds one record: an op's data never exceeds the wire's
	// frame payload, and the rest of the op is small.
	recMaxBody = wire.MaxPayload + 1<<16
)

// Record flags: what the wire codec does not carry.
const recFlagIncompressible = 1 << 0

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// Record damage. errTorn means the bytes end inside a record (a write cut
// short); errCorrupt means the bytes are there but wrong.
var (
	errTorn    = errors.New("torn record")
	errCorrupt = errors.New("corrupt record")
)

// segHeader is the fixed header of a segment file.
type segHeader struct {
	epoch, first uint64
	prev         segLink
}

// segLink is what a segment records of the one before it.
type segLink struct {
	first, size uint64
	crc         uint32
}

func (h segHeader) encode() (b [segHeaderSize]byte, crc uint32) {
	copy(b[0:4], segMagic)
	binary.LittleEndian.PutUint16(b[4:], segVersion)
	binary.LittleEndian.PutUint64(b[8:], h.epoch)
	binary.LittleEndian.PutUint64(b[16:], h.first)
	binary.LittleEndian.PutUint64(b[24:], h.prev.first)
	binary.LittleEndian.PutUint64(b[32:], h.prev.size)
	binary.LittleEndian.PutUint32(b[40:], h.prev.crc)
	crc = crc32.Checksum(b[:48], crcTable)
	binary.LittleEndian.PutUint32(b[48:], crc)
	return b, crc
}

func decodeSegHeader(b []byte) (segHeader, uint32, error) {
	if len(b) < segHeaderSize {
		return segHeader{}, 0, fmt.Errorf("segment header: %w", errTorn)
	}
	if string(b[0:4]) != segMagic {
		return segHeader{}, 0, fmt.Errorf("segment header: bad magic: %w", errCorrupt)
	}
	crc := crc32.Checksum(b[:48], crcTable)
	if binary.LittleEndian.Uint32(b[48:]) != crc {
		return segHeader{}, 0, fmt.Errorf("segment header: bad checksum: %w", errCorrupt)
	}
	if v := binary.LittleEndian.Uint16(b[4:]); v != segVersion {
		return segHeader{}, 0, fmt.Errorf("segment header: format version %d, want %d: %w", v, segVersion, errCorrupt)
	}
	return segHeader{epoch: binary.LittleEndian.Uint64(b[8:]), first: binary.LittleEndian.Uint64(b[16:]),
		prev: segLink{first: binary.LittleEndian.Uint64(b[24:]), size: binary.LittleEndian.Uint64(b[32:]),
			crc: binary.LittleEndian.Uint32(b[40:])}}, crc, nil
}

// pad8 rounds n up to a multiple of 8.
func pad8(n int64) int64 { return (n + 7) &^ 7 }

// appendRecord appends op's framed record to buf and returns the new CRC
// chain value.
func appendRecord(buf []byte, prev uint32, op *wire.Op) ([]byte, uint32, error) {
	start := len(buf)
	buf = append(buf, make([]byte, recHeaderSize)...)
	buf = binary.LittleEndian.AppendUint64(buf, op.Seq)
	var flags byte
	if op.Incompressible {
		flags |= recFlagIncompressible
	}
	buf = append(buf, flags)
	one := wire.Ops{Ops: []wire.Op{*op}}
	buf, err := one.AppendBinary(buf)
	if err != nil {
		return buf[:start], prev, fmt.Errorf("encoding op %d: %w", op.Seq, err)
	}
	body := buf[start+recHeaderSize:]
	if len(body) > recMaxBody {
		return buf[:start], prev, fmt.Errorf("op %d: record of %d bytes exceeds %d", op.Seq, len(body), recMaxBody)
	}
	crc := crc32.Update(prev, crcTable, body)
	binary.LittleEndian.PutUint32(buf[start:], uint32(len(body)))
	binary.LittleEndian.PutUint32(buf[start+4:], crc)
	total := pad8(int64(len(buf) - start))
	for int64(len(buf)-start) < total {
		buf = append(buf, 0)
	}
	return buf, crc, nil
}

// recordFrame reads a record header: the body length and the stored CRC,
// and the record's framed size (header, body, padding). avail is how many
// bytes the file still holds from the header on.
func recordFrame(h []byte, avail int64) (n int, crc uint32, framed int64, err error) {
	if avail < recHeaderSize {
		return 0, 0, 0, errTorn
	}
	n = int(binary.LittleEndian.Uint32(h[0:]))
	crc = binary.LittleEndian.Uint32(h[4:])
	if n == 0 && crc == 0 {
		// Zeros where a record should start: space a crash left allocated
		// but unwritten.
		return 0, 0, 0, errTorn
	}
	if n < recMinBody || n > recMaxBody {
		return 0, 0, 0, fmt.Errorf("record length %d: %w", n, errCorrupt)
	}
	framed = pad8(int64(recHeaderSize + n))
	if framed > avail {
		return 0, 0, 0, errTorn
	}
	return n, crc, framed, nil
}

// decodeRecordBody checks body against the stored CRC (chained from prev)
// and decodes it. The op's Data aliases body.
func decodeRecordBody(body []byte, prev, stored uint32) (*wire.Op, error) {
	if crc32.Update(prev, crcTable, body) != stored {
		return nil, fmt.Errorf("record checksum: %w", errCorrupt)
	}
	seq := binary.LittleEndian.Uint64(body[0:])
	flags := body[8]
	if flags&^recFlagIncompressible != 0 {
		return nil, fmt.Errorf("record flags %#x: %w", flags, errCorrupt)
	}
	var m wire.Ops
	if err := m.UnmarshalBinary(body[9:]); err != nil {
		return nil, fmt.Errorf("record op: %v: %w", err, errCorrupt)
	}
	if len(m.Ops) != 1 || m.Ops[0].Seq != seq {
		return nil, fmt.Errorf("record of sequence %d holds %d ops: %w", seq, len(m.Ops), errCorrupt)
	}
	op := &m.Ops[0]
	op.Incompressible = flags&recFlagIncompressible != 0
	return op, nil
}

// recordSeq is the sequence a verified body carries.
func recordSeq(body []byte) uint64 { return binary.LittleEndian.Uint64(body[0:]) }
