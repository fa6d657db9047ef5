package perfmon

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// recorder stands in for lodctr and unlodctr, which exist only on Windows:
// these tests cover the commands dtrep runs and how it explains their
// failures (not elevated, lodctr refusing), which no Linux peer can
// produce.
type recorder struct {
	calls []string
	fail  map[string]string // tool -> output of a failing run
}

func (r *recorder) run(name string, args ...string) ([]byte, error) {
	r.calls = append(r.calls, name+" "+strings.Join(args, " "))
	if out, ok := r.fail[name]; ok {
		return []byte(out), errors.New("exit status 5")
	}
	return nil, nil
}

func installer(dir string, r *recorder, elevated bool) Installer {
	return Installer{Dir: dir, Run: r.run, Elevated: func() (bool, error) { return elevated, nil }}
}

func TestInstallRegistersTheManifest(t *testing.T) {
	dir := t.TempDir()
	r := &recorder{}
	if err := installer(dir, r, true).Install(); err != nil {
		t.Fatal(err)
	}
	man := filepath.Join(dir, ManifestName)
	got, err := os.ReadFile(man)
	if err != nil || string(got) != string(ManifestFileBytes()) {
		t.Fatalf("manifest beside dtrep.exe: %v", err)
	}
	want := []string{"unlodctr /m:" + man, "lodctr /m:" + man + " " + dir}
	if strings.Join(r.calls, "\n") != strings.Join(want, "\n") {
		t.Errorf("ran %q, want %q", r.calls, want)
	}
	r.calls = nil
	if err := installer(dir, r, true).Uninstall(); err != nil {
		t.Fatal(err)
	}
	if len(r.calls) != 1 || r.calls[0] != "unlodctr /m:"+man {
		t.Errorf("uninstall ran %q", r.calls)
	}
}

func TestInstallExplainsFailures(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		elevated bool
		fail     map[string]string
		code     int
		says     []string
	}{
		{"not elevated", false, nil, catalog.CodeInsufficientSecurity, []string{"administrator", "elevated"}},
		{"access denied", true, map[string]string{"lodctr": "Error: Access is denied."},
			catalog.CodeInsufficientSecurity, []string{"elevated"}},
		{"lodctr refuses", true, map[string]string{"lodctr": "Info: provider already registered"},
			catalog.CodeUnknown, []string{"lodctr /m:", "already registered", "dtrep perfmon uninstall"}},
	} {
		r := &recorder{fail: tc.fail}
		err := installer(dir, r, tc.elevated).Install()
		if catalog.CodeOf(err) != tc.code {
			t.Errorf("%s: %v (code %d), want code %d", tc.name, err, catalog.CodeOf(err), tc.code)
			continue
		}
		for _, s := range tc.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not say %q", tc.name, err, s)
			}
		}
		if !tc.elevated && len(r.calls) != 0 {
			t.Errorf("%s: ran %q without the right to", tc.name, r.calls)
		}
	}
}
