package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

const testRef = "../testdata/reference-guide-7.1.txt"

// The committed data files are exactly what the tool extracts: a hand
// correction belongs in the parser or the trap table, where it is
// explained, not only in the JSON.
func TestDataFilesAreExtracted(t *testing.T) {
	for _, what := range []string{"events", "errors", "traps", "enums", "view"} {
		var out bytes.Buffer
		if err := run(&out, what, testRef); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		want, err := os.ReadFile(filepath.Join("..", "data", what+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), want) {
			t.Errorf("data/%s.json differs from the extraction; rerun go run ./engine/catalog/extract -what %s", what, what)
		}
	}
}

func TestRunRejects(t *testing.T) {
	var out bytes.Buffer
	for _, tc := range []struct{ what, ref string }{
		{"", testRef},
		{"counters", testRef},
		{"events", filepath.Join(t.TempDir(), "missing.txt")},
	} {
		if err := run(&out, tc.what, tc.ref); err == nil {
			t.Errorf("run(%q, %q): no error", tc.what, tc.ref)
		}
	}
}

// A table entry for a trap the reference does not list is a typo.
func TestTrapTableNamesReferenceTraps(t *testing.T) {
	if _, err := withTrapEvents([]catalog.Trap{{Name: "dttrapKernelStarted", Description: "x"}}); err == nil {
		t.Error("table entries for absent traps accepted")
	}
}
