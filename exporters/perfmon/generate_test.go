package perfmon

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the committed generated files")

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
		if *update {
			if err := os.WriteFile(full, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(full)
		if err != nil {
			t.Fatalf("%v (go test ./exporters/perfmon -update generates it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the catalog generates: go test ./exporters/perfmon -update", path)
		}
	}
	if !*update && !bytes.Equal(ManifestFileBytes(), files[ManifestFile]) {
		t.Errorf("the embedded manifest is not the generated one")
	}
}
