package statsfile

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/stats"
)

// SchemaEvery is how many bytes of snapshots the writer appends before it
// repeats the schema, so that damage to one copy costs the snapshots up to
// the next copy, not the file.
var SchemaEvery int64 = 1 << 20

// Writer appends snapshots to a statistics file.
type Writer struct {
	f           *os.File
	schema      *Schema
	schemaRec   []byte // the schema's record
	size        int64
	sinceSchema int64
	buf         []byte
}

// Create starts a new statistics file at path (replacing any file there)
// with a schema describing cat's counters.
func Create(path string, cat *catalog.Catalog, server string) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("statistics file: %w", err)
	}
	w := &Writer{f: f, schema: NewSchema(cat, server, time.Now())}
	sc, err := w.schema.marshal()
	if err != nil {
		f.Close()
		return nil, err
	}
	w.schemaRec = frame(nil, sc)
	if err := w.append(append(fileHeader(), w.schemaRec...)); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// append writes b with one call, so a record is never interleaved and a
// crash tears at most the record being written.
func (w *Writer) append(b []byte) error {
	n, err := w.f.Write(b)
	w.size += int64(n)
	if err != nil {
		return fmt.Errorf("writing %s: %w", w.f.Name(), err)
	}
	return nil
}

// Record encodes snap as the bytes Write would append (a copy of the
// schema first when one is due), for callers that check the size before
// writing.
func (w *Writer) Record(snap stats.Snapshot) []byte {
	w.buf = w.buf[:0]
	if w.sinceSchema >= SchemaEvery {
		w.buf = append(w.buf, w.schemaRec...)
	}
	w.buf = frame(w.buf, encodeSnapshot(nil, w.schema, snap))
	return w.buf
}

// Write appends one snapshot.
func (w *Writer) Write(snap stats.Snapshot) error { return w.WriteRecord(w.Record(snap)) }

// WriteRecord appends what Record made.
func (w *Writer) WriteRecord(rec []byte) error {
	if bytes.HasPrefix(rec, w.schemaRec) {
		w.sinceSchema = 0
	}
	w.sinceSchema += int64(len(rec))
	return w.append(rec)
}

// Size is the file's size so far.
func (w *Writer) Size() int64 { return w.size }

// Path is the file written.
func (w *Writer) Path() string { return w.f.Name() }

// Sync flushes the file to stable storage.
func (w *Writer) Sync() error { return w.f.Sync() }

// Close closes the file.
func (w *Writer) Close() error { return w.f.Close() }
