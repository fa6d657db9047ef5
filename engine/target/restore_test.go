package target

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/wire"
)

// A restore's reads stay under the target path, stop at the end of the
// file, and find nothing but regular files.
func TestReadReply(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "f"), []byte("0123456789"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "d"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc", filepath.Join(root, "out")); err != nil {
		t.Fatal(err)
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep, err := readReply(r, &wire.ReadRequest{ReqID: 1, Path: "f", Offset: 6, Length: 100})
	if err != nil || !rep.Exists || rep.Size != 10 || rep.Offset != 6 || string(rep.Data) != "6789" {
		t.Fatalf("tail read %+v %v", rep, err)
	}
	rep, err = readReply(r, &wire.ReadRequest{ReqID: 2, Path: "f", Offset: 20, Length: 4})
	if err != nil || !rep.Exists || len(rep.Data) != 0 {
		t.Fatalf("read past the end %+v %v", rep, err)
	}
	for _, p := range []string{"d", "missing"} {
		if rep, err := readReply(r, &wire.ReadRequest{Path: p, Length: 4}); err != nil || rep.Exists {
			t.Errorf("%s: %+v %v", p, rep, err)
		}
	}
	for _, p := range []string{"../x", "/etc/passwd", "out/passwd", "a/../../x"} {
		if _, err := readReply(r, &wire.ReadRequest{Path: p, Length: 4}); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
			t.Errorf("%s: read outside the target path: %v", p, err)
		}
	}
}

// The Restore Required sets survive a reload; a damaged file is reported.
func TestRestoreFlagsPersist(t *testing.T) {
	p := filepath.Join(t.TempDir(), "target", "restore-required.json")
	var r restoreFlags
	if err := r.load(p); err != nil {
		t.Fatal(err)
	}
	for _, set := range []string{"b", "a", "c"} {
		if err := r.put(set, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.put("c", false); err != nil {
		t.Fatal(err)
	}
	var again restoreFlags
	if err := again.load(p); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.sets, map[string]bool{"a": true, "b": true}) || !again.has("a") || again.has("c") {
		t.Fatalf("reloaded %v", again.sets)
	}
	if err := os.WriteFile(p, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := again.load(p); err == nil {
		t.Fatal("a damaged state file loaded silently")
	}
}
