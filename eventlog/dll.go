package eventlog

import (
	"encoding/binary"
	"fmt"
)

// MessageDLLName is the resource-only DLL that holds the message table. It
// is a file of its own rather than a resource of dtrep.exe because a Go
// binary links at most one .rsrc section ("too many .rsrc sections"), which
// the Performance Monitor provider's string table needs; Event Viewer loads
// message files as data, so a DLL without code serves every source.
const MessageDLLName = "dtrepmsg.dll"

// PE layout of the message DLL: the headers fill the first file block and
// the first page, the resource section follows in both.
const (
	peOffset         = 0x40 // e_lfanew: the PE signature follows the DOS header
	fileAlignment    = 0x200
	sectionAlignment = 0x1000
	optionalSize     = 240 // PE32+ optional header with 16 data directories
	rsrcRVA          = sectionAlignment
	rsrcFileOffset   = fileAlignment
	// The resource tree of one resource: type, name and language
	// directories of one entry each (16-byte header + 8-byte entry), then
	// the data entry (16 bytes), then the data.
	rsrcDirSize    = 24
	rsrcDataEntry  = 3 * rsrcDirSize
	rsrcData       = rsrcDataEntry + 16
	rtMessageTable = 11
	dirEntryIsDir  = 0x80000000
)

// MessageDLL builds the resource-only DLL (PE32+, x86-64, no code, no entry
// point, so Windows calls no DllMain) whose only resource is the message
// table: RT_MESSAGETABLE, name MessageTableName, language
// MessageTableLanguage. Everything is fixed but the table, so the same
// catalog always builds the same bytes.
func MessageDLL(table []byte) ([]byte, error) {
	rawSize := align(rsrcData+len(table), fileAlignment)
	if rawSize > 1<<30 {
		return nil, fmt.Errorf("message DLL: a %d-byte message table is too large", len(table))
	}
	virtSize := rsrcData + len(table)
	b := make([]byte, rsrcFileOffset+rawSize)
	le := binary.LittleEndian

	copy(b, "MZ")
	le.PutUint32(b[0x3C:], peOffset)
	p := b[peOffset:]
	copy(p, "PE\x00\x00")
	coff := p[4:]
	le.PutUint16(coff[0:], 0x8664)        // Machine: AMD64
	le.PutUint16(coff[2:], 1)             // NumberOfSections
	le.PutUint16(coff[16:], optionalSize) // SizeOfOptionalHeader
	le.PutUint16(coff[18:], 0x0002|0x0020|0x2000)
	// EXECUTABLE_IMAGE | LARGE_ADDRESS_AWARE | DLL; TimeDateStamp stays 0.

	opt := coff[20:]
	le.PutUint16(opt[0:], 0x20B)                                              // PE32+
	opt[2] = 14                                                               // MajorLinkerVersion
	le.PutUint32(opt[8:], uint32(rawSize))                                    // SizeOfInitializedData
	le.PutUint64(opt[24:], 0x180000000)                                       // ImageBase
	le.PutUint32(opt[32:], sectionAlignment)                                  // SectionAlignment
	le.PutUint32(opt[36:], fileAlignment)                                     // FileAlignment
	le.PutUint16(opt[40:], 6)                                                 // MajorOperatingSystemVersion
	le.PutUint16(opt[48:], 6)                                                 // MajorSubsystemVersion
	le.PutUint32(opt[56:], uint32(rsrcRVA+align(virtSize, sectionAlignment))) // SizeOfImage
	le.PutUint32(opt[60:], fileAlignment)                                     // SizeOfHeaders
	le.PutUint16(opt[68:], 2)                                                 // Subsystem: Windows GUI
	le.PutUint16(opt[70:], 0x0020|0x0040|0x0100)                              // HIGH_ENTROPY_VA | DYNAMIC_BASE | NX_COMPAT
	le.PutUint64(opt[72:], 0x100000)                                          // SizeOfStackReserve
	le.PutUint64(opt[80:], 0x1000)                                            // SizeOfStackCommit
	le.PutUint64(opt[88:], 0x100000)                                          // SizeOfHeapReserve
	le.PutUint64(opt[96:], 0x1000)                                            // SizeOfHeapCommit
	le.PutUint32(opt[108:], 16)                                               // NumberOfRvaAndSizes
	dirs := opt[112:]
	le.PutUint32(dirs[2*8:], rsrcRVA) // resource directory
	le.PutUint32(dirs[2*8+4:], uint32(virtSize))

	sec := opt[optionalSize:]
	copy(sec, ".rsrc")
	le.PutUint32(sec[8:], uint32(virtSize))
	le.PutUint32(sec[12:], rsrcRVA)
	le.PutUint32(sec[16:], uint32(rawSize))
	le.PutUint32(sec[20:], rsrcFileOffset)
	le.PutUint32(sec[36:], 0x40000040) // INITIALIZED_DATA | MEM_READ

	r := b[rsrcFileOffset:]
	// Each directory: 16-byte header with one ID entry, then the entry
	// {ID, offset of the next level (high bit: a directory)}.
	for level, id := range []uint32{rtMessageTable, MessageTableName, MessageTableLanguage} {
		d := r[level*rsrcDirSize:]
		le.PutUint16(d[14:], 1) // NumberOfIdEntries
		next := uint32((level + 1) * rsrcDirSize)
		if level < 2 {
			next |= dirEntryIsDir
		}
		le.PutUint32(d[16:], id)
		le.PutUint32(d[20:], next)
	}
	le.PutUint32(r[rsrcDataEntry:], rsrcRVA+rsrcData) // OffsetToData is an RVA
	le.PutUint32(r[rsrcDataEntry+4:], uint32(len(table)))
	copy(r[rsrcData:], table)

	le.PutUint32(opt[64:], peChecksum(b, peOffset+4+20+64))
	return b, nil
}

func align(n, to int) int { return (n + to - 1) / to * to }

// peChecksum is the image checksum (imagehlp's CheckSumMappedFile): the
// 16-bit one's-complement sum of the file's words, skipping the checksum
// field itself, plus the file length.
func peChecksum(b []byte, field int) uint32 {
	var sum uint64
	for i := 0; i+1 < len(b); i += 2 {
		if i == field || i == field+2 {
			continue
		}
		sum += uint64(binary.LittleEndian.Uint16(b[i:]))
		sum = (sum & 0xFFFF) + sum>>16
	}
	if len(b)%2 == 1 {
		sum += uint64(b[len(b)-1])
		sum = (sum & 0xFFFF) + sum>>16
	}
	return uint32(sum) + uint32(len(b))
}
