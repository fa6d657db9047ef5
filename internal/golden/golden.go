// Package golden holds committed generated files (dt.mib's neighbours: the
// packs, message tables, manifests, generated names, screens) to what the
// code generates now. `go test ./pkg -update` rewrites them instead.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the committed generated files instead of comparing them")

// Updating reports whether the test run rewrites the files (-update).
func Updating() bool { return *update }

// Check fails the test when the committed file at path is not want (or is
// missing), saying to run regen; with -update it writes want there.
func Check(t testing.TB, path string, want []byte, regen string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%v (%s generates it)", err, regen)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code generates: %s", path, regen)
	}
}
