package scom

import (
	"regexp"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/internal/golden"
)

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
		golden.Check(t, name, want, "go test ./packs/scom -run TestCommittedPacks -update")
	}
}

// The discovery and the group match the version the Windows build records.
func TestVersionPatternMatchesRecordedVersion(t *testing.T) {
	if v := server.ProductVersion(); !regexp.MustCompile(productVersionLike).MatchString(v) {
		t.Errorf("pattern %s does not match the recorded version %q", productVersionLike, v)
	}
}
