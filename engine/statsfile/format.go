package statsfile

import (
	"encoding/binary"
	"hash/crc32"
)

// Magic starts every statistics file. Its first byte has the high bit set
// and it ends in a newline, so a transfer that strips bits or converts line
// ends is caught at once.
var Magic = [8]byte{0x89, 'D', 'T', 'S', 'T', 'A', 'T', '\n'}

// Format versions. A reader reads any minor version of its major version;
// minor versions only add record kinds, which older readers skip.
const (
	VersionMajor = 1
	VersionMinor = 0
)

const (
	fileHeaderSize   = 16
	recordHeaderSize = 12
	// MaxRecord bounds one record's payload: a snapshot of thousands of
	// connections stays far below it, and a corrupt length beyond it is
	// recognised without reading that far.
	MaxRecord = 16 << 20
)

// marker starts every record, so a reader can find the next record after
// damage.
var marker = [4]byte{0xD7, 'S', 'R', 0x0A}

// Record kinds.
const (
	kindSchema   = 1
	kindSnapshot = 2
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

func fileHeader() []byte {
	b := make([]byte, fileHeaderSize)
	copy(b, Magic[:])
	binary.BigEndian.PutUint16(b[8:], VersionMajor)
	binary.BigEndian.PutUint16(b[10:], VersionMinor)
	return b
}

// frame appends a record holding payload to dst.
func frame(dst, payload []byte) []byte {
	dst = append(dst, marker[:]...)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(payload)))
	dst = binary.BigEndian.AppendUint32(dst, crc32.Checksum(payload, crcTable))
	return append(dst, payload...)
}
