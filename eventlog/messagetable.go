package eventlog

import (
	"encoding/binary"
	"fmt"
	"sort"
	"unicode/utf16"
)

// A message table is the RT_MESSAGETABLE resource (MESSAGE_RESOURCE_DATA,
// winnt.h) Event Viewer and FormatMessage read a source's text from. All
// numbers are little-endian:
//
//	u32 NumberOfBlocks
//	NumberOfBlocks x {u32 LowId, u32 HighId, u32 OffsetToEntries}
//	entries, per block in ID order: {u16 Length, u16 Flags, text}
//
// A block covers a run of consecutive IDs. OffsetToEntries counts from the
// start of the table. Length includes the 4-byte header and the text's NUL
// and is padded to a multiple of 4; Flags 1 marks UTF-16LE text. The layout
// is exactly what Microsoft's mc.exe and binutils' windmc -U write, which a
// test proves byte for byte.

const (
	blockSize       = 12
	entryHeaderSize = 4
	flagUnicode     = 0x0001
)

// Message is one entry of a message table: the full identifier and the text
// as stored (mc ends every line of a message with "\r\n").
type Message struct {
	ID   uint32
	Text string
}

// EncodeMessageTable lays out messages as a message table. IDs must be
// unique.
func EncodeMessageTable(msgs []Message) ([]byte, error) {
	sorted := append([]Message(nil), msgs...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	type block struct {
		low, high uint32
		first     int // index into sorted
	}
	var blocks []block
	for i, m := range sorted {
		if i > 0 && m.ID == sorted[i-1].ID {
			return nil, fmt.Errorf("message table: identifier 0x%08X listed twice", m.ID)
		}
		if n := len(blocks); n > 0 && blocks[n-1].high+1 == m.ID {
			blocks[n-1].high = m.ID
			continue
		}
		blocks = append(blocks, block{low: m.ID, high: m.ID, first: i})
	}
	out := binary.LittleEndian.AppendUint32(nil, uint32(len(blocks)))
	offset := 4 + blockSize*len(blocks)
	entries := make([][]byte, len(sorted))
	for i, m := range sorted {
		entries[i] = encodeEntry(m.Text)
	}
	for _, b := range blocks {
		out = binary.LittleEndian.AppendUint32(out, b.low)
		out = binary.LittleEndian.AppendUint32(out, b.high)
		out = binary.LittleEndian.AppendUint32(out, uint32(offset))
		for i := b.first; i <= b.first+int(b.high-b.low); i++ {
			offset += len(entries[i])
		}
	}
	for _, e := range entries {
		out = append(out, e...)
	}
	return out, nil
}

// encodeEntry is one UTF-16LE entry: header, text, NUL, padding to 4.
func encodeEntry(text string) []byte {
	units := utf16.Encode([]rune(text))
	n := entryHeaderSize + 2*len(units) + 2
	n = (n + 3) &^ 3
	e := make([]byte, n)
	binary.LittleEndian.PutUint16(e[0:], uint16(n))
	binary.LittleEndian.PutUint16(e[2:], flagUnicode)
	for i, u := range units {
		binary.LittleEndian.PutUint16(e[entryHeaderSize+2*i:], u)
	}
	return e
}

// DecodeMessageTable reads a message table back, as FormatMessage would
// find its entries. It accepts ANSI (Flags 0) and UTF-16LE entries and
// rejects anything that points outside the table.
func DecodeMessageTable(b []byte) (map[uint32]string, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("message table: %d bytes, too short for the block count", len(b))
	}
	n := binary.LittleEndian.Uint32(b)
	if uint64(n)*blockSize+4 > uint64(len(b)) {
		return nil, fmt.Errorf("message table: %d blocks do not fit %d bytes", n, len(b))
	}
	out := map[uint32]string{}
	for i := uint32(0); i < n; i++ {
		blk := b[4+blockSize*i:]
		low, high := binary.LittleEndian.Uint32(blk), binary.LittleEndian.Uint32(blk[4:])
		off := uint64(binary.LittleEndian.Uint32(blk[8:]))
		if high < low {
			return nil, fmt.Errorf("message table: block %d: high 0x%08X below low 0x%08X", i, high, low)
		}
		for id := uint64(low); id <= uint64(high); id++ {
			if off+entryHeaderSize > uint64(len(b)) {
				return nil, fmt.Errorf("message table: entry 0x%08X starts past the end", id)
			}
			length := uint64(binary.LittleEndian.Uint16(b[off:]))
			flags := binary.LittleEndian.Uint16(b[off+2:])
			if length < entryHeaderSize || off+length > uint64(len(b)) {
				return nil, fmt.Errorf("message table: entry 0x%08X: length %d does not fit", id, length)
			}
			text := b[off+entryHeaderSize : off+length]
			if _, dup := out[uint32(id)]; dup {
				return nil, fmt.Errorf("message table: identifier 0x%08X in two blocks", id)
			}
			out[uint32(id)] = decodeText(text, flags&flagUnicode != 0)
			off += length
		}
	}
	return out, nil
}

// decodeText reads an entry's text up to its NUL.
func decodeText(b []byte, unicode bool) string {
	if !unicode {
		for i, c := range b {
			if c == 0 {
				return string(b[:i])
			}
		}
		return string(b)
	}
	units := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u := binary.LittleEndian.Uint16(b[i:])
		if u == 0 {
			break
		}
		units = append(units, u)
	}
	return string(utf16.Decode(units))
}
