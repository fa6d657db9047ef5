package statsfile

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "statistic.sts")
	w, err := Create(path, catalog.Must(), "alpha")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if err := w.Write(sample(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Schema().Server != "alpha" || f.Schema().Version != VersionMajor {
		t.Errorf("schema %+v", f.Schema())
	}
	fld, ok := f.Schema().Field(catalog.ScopeConnection, "conBytesTx")
	if !ok || fld.DTStatSection != "CONNECTION" || fld.DTStatCSV != "conBytesTx" || fld.Unit != "bytes" {
		t.Errorf("the schema describes conBytesTx as %+v", fld)
	}
	for i := 0; i < 3; i++ {
		got, err := f.Next()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		sameSnapshot(t, got, sample(i))
	}
	if _, err := f.Next(); err == nil {
		t.Fatal("a fourth record")
	}
	if h := f.Health(); h != (Health{Records: 3}) {
		t.Errorf("health %+v", h)
	}
}

func TestTornLastRecordIsSkipped(t *testing.T) {
	whole := encodeFile(t, sample(0), sample(1), sample(2))
	two := len(encodeFile(t, sample(0), sample(1)))
	// Every cut inside the third record, from its first byte to its last.
	for cut := two + 1; cut < len(whole); cut += max(1, (len(whole)-two)/40) {
		got, h, err := readAll(t, whole[:cut])
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if len(got) != 2 || !h.Torn || h.Damaged != 0 {
			t.Fatalf("cut at %d: %d records, health %+v", cut, len(got), h)
		}
		sameSnapshot(t, got[1], sample(1))
	}
	// A cut exactly between records is a clean end.
	got, h, err := readAll(t, whole[:two])
	if err != nil || len(got) != 2 || h.Torn {
		t.Fatalf("clean cut: %d records, %+v, %v", len(got), h, err)
	}
}

func TestDamageInTheMiddleCostsOnlyThatRecord(t *testing.T) {
	one := len(encodeFile(t, sample(0)))
	data := encodeFile(t, sample(0), sample(1), sample(2), sample(3))
	for name, damage := range map[string]func([]byte){
		"payload byte": func(b []byte) { b[one+recordHeaderSize+5] ^= 0x40 },
		"length":       func(b []byte) { binary.BigEndian.PutUint32(b[one+4:], 1<<30) },
		"marker":       func(b []byte) { b[one] = 'x' },
		"zeroed":       func(b []byte) { clear(b[one : one+40]) },
	} {
		t.Run(name, func(t *testing.T) {
			b := bytes.Clone(data)
			damage(b)
			got, h, err := readAll(t, b)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || h.Damaged != 1 || h.Torn || h.Skipped == 0 {
				t.Fatalf("%d records, health %+v", len(got), h)
			}
			sameSnapshot(t, got[0], sample(0))
			sameSnapshot(t, got[1], sample(2))
			sameSnapshot(t, got[2], sample(3))
		})
	}
}

func TestNotAStatisticsFile(t *testing.T) {
	good := encodeFile(t, sample(0))
	wrongMajor := bytes.Clone(good)
	binary.BigEndian.PutUint16(wrongMajor[8:], VersionMajor+1)
	noSchema := frame(fileHeader(), encodeSnapshot(nil, NewSchema(catalog.Must(), "", time.Now()), sample(0)))
	for name, data := range map[string][]byte{
		"empty":        nil,
		"text":         []byte("03/23/2012\t13:34:06.1234\t1\t1\t1\t2\t4000\tDouble-Take started\n"),
		"header only":  fileHeader(),
		"torn schema":  good[:fileHeaderSize+recordHeaderSize+10],
		"wrong major":  wrongMajor,
		"no schema":    noSchema,
		"magic broken": append([]byte{0x89, 'D', 'T', 'S', 'T', 'A', 'T', '\r'}, good[8:]...),
	} {
		_, _, err := readAll(t, data)
		if catalog.CodeOf(err) != catalog.CodeInvalidStatsFile {
			t.Errorf("%s: got %v, want error 143", name, err)
		}
	}
	// Open says which file, and refuses a directory.
	dir := t.TempDir()
	p := filepath.Join(dir, "x.sts")
	os.WriteFile(p, []byte("hello"), 0o644)
	if _, err := Open(p); catalog.CodeOf(err) != catalog.CodeInvalidStatsFile || !bytes.Contains([]byte(err.Error()), []byte(p)) {
		t.Errorf("Open(text file): %v", err)
	}
	if _, err := Open(dir); catalog.CodeOf(err) != catalog.CodeInvalidStatsFile {
		t.Errorf("Open(directory): %v", err)
	}
}

func TestNewerMinorVersionKindsAreSkipped(t *testing.T) {
	data := encodeFile(t, sample(0))
	data = frame(data, []byte{99, 1, 2, 3}) // a kind a later minor version adds
	data = frame(data, encodeSnapshot(nil, NewSchema(catalog.Must(), "", time.Now()), sample(1)))
	got, h, err := readAll(t, data)
	if err != nil || len(got) != 2 || h.UnknownKinds != 1 {
		t.Fatalf("%d records, %+v, %v", len(got), h, err)
	}
}

func BenchmarkWrite(b *testing.B) {
	w, err := Create(filepath.Join(b.TempDir(), "s.sts"), catalog.Must(), "bench")
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	s := sample(0)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Write(s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRead(b *testing.B) {
	data := encodeFile(b, sample(0), sample(1), sample(2), sample(3))
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := readAll(b, data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestRepeatedSchemaSurvivesDamageToTheFirst(t *testing.T) {
	old := SchemaEvery
	SchemaEvery = 1 // a schema before every snapshot but the first
	defer func() { SchemaEvery = old }()
	path := filepath.Join(t.TempDir(), "s.sts")
	w, err := Create(path, catalog.Must(), "alpha")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		w.Write(sample(i))
	}
	w.Close()
	b, _ := os.ReadFile(path)
	if n := bytes.Count(b, []byte(`"format":"dtrep statistics"`)); n != 3 {
		t.Fatalf("%d schema copies, want 3", n)
	}
	b[fileHeaderSize+recordHeaderSize+20] ^= 0xff // inside the first schema
	got, h, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	// The first snapshot came before any good schema; the others read.
	if len(got) != 2 || h.Damaged == 0 {
		t.Fatalf("%d records, health %+v", len(got), h)
	}
	sameSnapshot(t, got[0], sample(1))
}
