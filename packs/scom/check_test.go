package scom

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/dtrep/dtrep/packs/scom/mpcheck"
)

// libraryDir holds the Microsoft library packs, beside the repository.
func libraryDir(t *testing.T) string {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "scom", "library")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("SCOM library packs: %v", err)
	}
	return dir
}

func newChecker(t *testing.T) *mpcheck.Checker {
	c, err := mpcheck.New(libraryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// packSets are the packs imported together: the 2007 pack alone, and the
// 2012 packs in dependency order.
var packSets = [][]string{
	{File2007},
	{File2012Library, File2012Discover, File2012Monitor, File2012Present},
}

func readSet(t *testing.T, files []string) [][]byte {
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// The committed packs pass every check the importer makes.
func TestCommittedPacksPassChecker(t *testing.T) {
	c := newChecker(t)
	for _, set := range packSets {
		problems, err := c.Check(readSet(t, set)...)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Errorf("%v", p)
		}
	}
}
