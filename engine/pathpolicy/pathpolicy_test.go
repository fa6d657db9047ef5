package pathpolicy

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestWithinAndOverlap(t *testing.T) {
	cases := []struct {
		p, dir string
		within bool
	}{
		{"/a/b", "/a", true},
		{"/a", "/a", true},
		{"/ab", "/a", false},
		{"/a", "/a/b", false},
		{"/", "/", true},
		{"/x", "/", true},
	}
	for _, c := range cases {
		if got := Within(c.p, c.dir); got != c.within {
			t.Errorf("Within(%q, %q) = %v", c.p, c.dir, got)
		}
	}
	if !Overlap("/a", "/a/b") || !Overlap("/a/b", "/a") || Overlap("/a/b", "/a/c") {
		t.Error("Overlap")
	}
}

// Resolve sees through symlinks in the existing part of a path, so a
// link cannot carry a target path out of an allowed directory.
func TestResolveAndCheckTarget(t *testing.T) {
	allowed, outside, data := t.TempDir(), t.TempDir(), t.TempDir()
	if err := os.Symlink(outside, filepath.Join(allowed, "out")); err != nil {
		t.Fatal(err)
	}
	realOutside, _ := filepath.EvalSymlinks(outside)
	if got := Resolve(filepath.Join(allowed, "out", "new", "deeper")); got != filepath.Join(realOutside, "new", "deeper") {
		t.Fatalf("Resolve through a link: %s", got)
	}
	st := fixedSetting{catalog.SettingDataPath: data, AllowedSetting: allowed + string(filepath.ListSeparator) + "/srv/other"}
	for p, code := range map[string]int{
		filepath.Join(allowed, "r"):        0,
		filepath.Join(allowed, "out", "r"): catalog.CodeInvalidPath,
		filepath.Join(outside, "r"):        catalog.CodeInvalidPath,
		filepath.Join(data, "r"):           catalog.CodeInvalidPath,
		filepath.Dir(data):                 catalog.CodeInvalidPath, // holds DataPath
		"/":                                catalog.CodeInvalidPath,
		"r":                                catalog.CodeInvalidPath,
	} {
		if got := catalog.CodeOf(CheckTarget(st, p)); got != code {
			t.Errorf("CheckTarget(%s) = %d, want %d", p, got, code)
		}
	}
	if err := CheckTarget(fixedSetting{AllowedSetting: "relative/dir"}, "/x/y"); catalog.CodeOf(err) != catalog.CodeInvalidParameter {
		t.Errorf("a relative AllowedTargetPaths entry: %v", err)
	}
}
