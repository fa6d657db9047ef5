package queue

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dtrep/dtrep/engine/wire"
)

// segment is one journal file, named by the first sequence it may hold.
type segment struct {
	first  uint64
	path   string
	size   int64  // bytes of valid data (header and whole records)
	last   uint64 // highest sequence in it; 0 when it holds no record
	endCRC uint32 // CRC chain after its last record
}

const segSuffix = ".jrn"

func segName(first uint64) string { return fmt.Sprintf("%016x%s", first, segSuffix) }

// listSegments returns the segment files of dir sorted by first sequence.
// Files that are not segments are ignored.
func listSegments(dir string) ([]*segment, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("listing journal: %w", err)
	}
	var segs []*segment
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, segSuffix) || len(name) != 16+len(segSuffix) {
			continue
		}
		first, err := strconv.ParseUint(strings.TrimSuffix(name, segSuffix), 16, 64)
		if err != nil {
			continue
		}
		segs = append(segs, &segment{first: first, path: filepath.Join(dir, name)})
	}
	sort.Slice(segs, func(i, j int) bool { return segs[i].first < segs[j].first })
	return segs, nil
}

// recReader reads a segment's records in order, verifying each.
type recReader struct {
	f    *os.File
	prev segLink // the header's account of the previous segment
	off  int64   // offset of the next record
	end  int64   // bytes that may be read
	crc  uint32  // chain value before the next record
	hdr  [recHeaderSize]byte
}

// openSegment opens path and checks its header against epoch and first.
// end is how far records may be read; a negative end means the file's
// size.
func openSegment(path string, epoch, first uint64, end int64) (*recReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening segment: %w", err)
	}
	if end < 0 {
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("segment %s: %w", filepath.Base(path), err)
		}
		end = fi.Size()
	}
	var b [segHeaderSize]byte
	n, err := f.ReadAt(b[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		f.Close()
		return nil, fmt.Errorf("segment %s: %w", filepath.Base(path), err)
	}
	h, crc, err := decodeSegHeader(b[:min(n, int(max(end, 0)))])
	if err == nil && (h.epoch != epoch || h.first != first) {
		err = fmt.Errorf("segment %s belongs to epoch %x first %d: %w", filepath.Base(path), h.epoch, h.first, errCorrupt)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &recReader{f: f, prev: h.prev, off: segHeaderSize, end: end, crc: crc}, nil
}

// next returns the next record's op, with Data in its own buffer, and the
// record's framed size. It returns io.EOF exactly at the end, errTorn or
// errCorrupt (wrapped) for damage; r is unchanged after an error, and the
// framed size is still returned when the frame itself was readable.
func (r *recReader) next() (*wire.Op, int64, error) {
	if r.off == r.end {
		return nil, 0, io.EOF
	}
	avail := r.end - r.off
	if avail >= recHeaderSize {
		if _, err := r.f.ReadAt(r.hdr[:], r.off); err != nil {
			return nil, 0, readErr(err)
		}
	}
	n, stored, framed, err := recordFrame(r.hdr[:], avail)
	if err != nil {
		return nil, 0, err
	}
	body := make([]byte, n)
	if _, err := r.f.ReadAt(body, r.off+recHeaderSize); err != nil {
		return nil, framed, readErr(err)
	}
	op, err := decodeRecordBody(body, r.crc, stored)
	if err != nil {
		return nil, framed, err
	}
	r.off += framed
	r.crc = stored
	return op, framed, nil
}

// readErr maps a short read to a torn record: the file ended early.
func readErr(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errTorn
	}
	return fmt.Errorf("reading journal: %w", err)
}

func (r *recReader) close() { r.f.Close() }
