package eventlog

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/internal/golden"
	"github.com/dtrep/dtrep/internal/testtool"
)

// The committed files are exactly what the code renders.
func TestCommittedFiles(t *testing.T) {
	files, err := GeneratedFiles(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		path := filepath.Join("..", name)
		golden.Check(t, path, want, "go test ./eventlog -run TestCommittedFiles -update")
	}
}

// binutils' message compiler turns the committed .mc into exactly the
// message table the project encodes itself.
func TestWindmcBuildsTheSameTable(t *testing.T) {
	windmc := testtool.Path(t, "x86_64-w64-mingw32-windmc")
	dir := t.TempDir()
	mc, err := os.ReadFile(filepath.Join("..", MCFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "dtrep.mc"), mc, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(windmc, "-U", "dtrep.mc")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("windmc: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "MSG00409.bin"))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := WindowsEvents(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	want, err := MessageTable(evs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("windmc's table (%d bytes) differs from ours (%d bytes) at byte %d", len(got), len(want), firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
