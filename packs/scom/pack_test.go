package scom

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
)

var update = flag.Bool("update", false, "rewrite the committed packs")

// The committed packs are exactly what the code generates.
func TestCommittedPacks(t *testing.T) {
	in, err := DefaultInputs(catalog.Must())
	if err != nil {
		t.Fatal(err)
	}
	files, err := Generate(catalog.Must(), in, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		if *update {
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the code generates: go test ./packs/scom -run TestCommittedPacks -update", name)
		}
	}
}

// The discovery and the group match the version the Windows build records.
func TestVersionPatternMatchesRecordedVersion(t *testing.T) {
	if v := server.ProductVersion(); !regexp.MustCompile(productVersionLike).MatchString(v) {
		t.Errorf("pattern %s does not match the recorded version %q", productVersionLike, v)
	}
}
