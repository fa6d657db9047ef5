package perfmon

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/internal/golden"
)

// TestGeneratedFilesCommitted: the committed manifest and .syso files are
// what the catalog generates (go test ./exporters/perfmon -update rewrites
// them), and generating twice gives the same bytes.
func TestGeneratedFilesCommitted(t *testing.T) {
	files, err := GeneratedFiles(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	again, err := GeneratedFiles(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		if !bytes.Equal(again[path], want) {
			t.Errorf("%s: two generations differ", path)
		}
		full := filepath.Join("..", "..", filepath.FromSlash(path))
		golden.Check(t, full, want, "go test ./exporters/perfmon -update")
	}
	if !golden.Updating() && !bytes.Equal(ManifestFileBytes(), files[ManifestFile]) {
		t.Errorf("the embedded manifest is not the generated one")
	}
}
