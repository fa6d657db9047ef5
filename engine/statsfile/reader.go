package statsfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// Health says what a reader met besides good records.
type Health struct {
	Records int // snapshots read
	// Damaged counts damaged stretches followed by good records; their
	// bytes are in Skipped.
	Damaged int
	Skipped int64
	// Torn is set when the file ends in an incomplete or damaged record:
	// what a power cut during a write leaves behind.
	Torn bool
	// UnknownKinds counts records of kinds from a newer minor version.
	UnknownKinds int
}

// Reader reads snapshots from a statistics file.
type Reader struct {
	ra     io.ReaderAt
	size   int64
	off    int64
	schema *Schema
	minor  uint16
	health Health
}

// NewReader checks the file header and schema. A file without the magic,
// of another major version or without a schema is not a statistics file
// this reader can read: error 143.
func NewReader(ra io.ReaderAt, size int64) (*Reader, error) {
	hdr := make([]byte, fileHeaderSize)
	if size < fileHeaderSize {
		return nil, catalog.Err(catalog.CodeInvalidStatsFile, "%d bytes is too short for a statistics file", size)
	}
	if _, err := ra.ReadAt(hdr, 0); err != nil {
		return nil, catalog.Wrap(catalog.CodeInvalidStatsFile, err, "reading the header")
	}
	if !bytes.Equal(hdr[:8], Magic[:]) {
		return nil, catalog.Err(catalog.CodeInvalidStatsFile, "not a dtrep statistics file")
	}
	if major := binary.BigEndian.Uint16(hdr[8:]); major != VersionMajor {
		return nil, catalog.Err(catalog.CodeInvalidStatsFile, "format version %d; this dtstat reads version %d", major, VersionMajor)
	}
	r := &Reader{ra: ra, size: size, off: fileHeaderSize, minor: binary.BigEndian.Uint16(hdr[10:])}
	// Snapshots before the first good schema (its first copy was
	// damaged) cannot be read; they count as damage.
	for r.schema == nil {
		start := r.off
		kind, body, err := r.next()
		if err != nil {
			return nil, catalog.Err(catalog.CodeInvalidStatsFile, "no readable schema")
		}
		if kind != kindSchema {
			r.health.Damaged++
			r.health.Skipped += r.off - start
			continue
		}
		if r.schema, err = parseSchema(body); err != nil {
			return nil, catalog.Wrap(catalog.CodeInvalidStatsFile, err, "")
		}
	}
	return r, nil
}

// Schema is the file's self-description.
func (r *Reader) Schema() *Schema { return r.schema }

// Health reports what was met so far.
func (r *Reader) Health() Health { return r.health }

// Next returns the next snapshot, or io.EOF after the last good one.
func (r *Reader) Next() (stats.Snapshot, error) {
	for {
		kind, body, err := r.next()
		if err != nil {
			return stats.Snapshot{}, err
		}
		switch kind {
		case kindSnapshot:
			snap, err := decodeSnapshot(body, r.schema)
			if err != nil {
				// The checksum held, so the writer wrote it so: a
				// writer bug, not damage. Skip it all the same.
				r.health.Damaged++
				r.health.Skipped += int64(len(body))
				continue
			}
			r.health.Records++
			return snap, nil
		case kindSchema:
			sc, err := parseSchema(body)
			if err == nil {
				r.schema = sc
			}
		default:
			r.health.UnknownKinds++
		}
	}
}

// next returns the next good record's kind and body. Damage is skipped by
// searching for the next marker whose record checks out; damage that runs
// to the end of the file is a torn tail.
func (r *Reader) next() (byte, []byte, error) {
	damagedAt := int64(-1)
	for {
		if r.off >= r.size {
			if damagedAt >= 0 {
				r.health.Torn = true
				r.health.Skipped += r.size - damagedAt
			}
			return 0, nil, io.EOF
		}
		kind, body, ok := r.at(r.off)
		if ok {
			if damagedAt >= 0 {
				r.health.Damaged++
				r.health.Skipped += r.off - damagedAt
			}
			r.off += recordHeaderSize + int64(len(body)) + 1
			return kind, body, nil
		}
		if damagedAt < 0 {
			damagedAt = r.off
		}
		r.off = r.findMarker(r.off + 1)
	}
}

// at reads the record at off, reporting whether it is whole and checks out.
func (r *Reader) at(off int64) (byte, []byte, bool) {
	if r.size-off < recordHeaderSize {
		return 0, nil, false
	}
	h := make([]byte, recordHeaderSize)
	if _, err := r.ra.ReadAt(h, off); err != nil {
		return 0, nil, false
	}
	n := int64(binary.BigEndian.Uint32(h[4:]))
	if !bytes.Equal(h[:4], marker[:]) || n < 1 || n > MaxRecord || n > r.size-off-recordHeaderSize {
		return 0, nil, false
	}
	p := make([]byte, n)
	if _, err := r.ra.ReadAt(p, off+recordHeaderSize); err != nil {
		return 0, nil, false
	}
	if crc32.Checksum(p, crcTable) != binary.BigEndian.Uint32(h[8:]) {
		return 0, nil, false
	}
	return p[0], p[1:], true
}

// findMarker returns the offset of the next marker at or after off, or the
// file's size.
func (r *Reader) findMarker(off int64) int64 {
	buf := make([]byte, 64<<10)
	for off < r.size {
		n, err := r.ra.ReadAt(buf, off)
		if n == 0 && err != nil {
			return r.size
		}
		if i := bytes.Index(buf[:n], marker[:]); i >= 0 {
			return off + int64(i)
		}
		if off+int64(n) >= r.size {
			return r.size
		}
		off += int64(n) - int64(len(marker)) + 1 // a marker may straddle reads
	}
	return r.size
}

// File is an open statistics file.
type File struct {
	*Reader
	f *os.File
}

// Open opens a statistics file for reading.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("statistics file: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("statistics file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, catalog.Err(catalog.CodeInvalidStatsFile, "%s is not a regular file", path)
	}
	r, err := NewReader(f, fi.Size())
	if err != nil {
		f.Close()
		var ce *catalog.Error
		if errors.As(err, &ce) {
			ce.Detail = path + ": " + ce.Detail
		}
		return nil, err
	}
	return &File{Reader: r, f: f}, nil
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }
