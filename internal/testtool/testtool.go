// Package testtool finds the real programs integration tests run (snmpd,
// promtool, chromium, rsyslogd, VictoriaLogs...). CI installs every one of
// them (scripts/deps), so there a missing program fails the test; on a
// developer's machine the test skips and says what to install.
package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Path returns name's path from PATH, or from .bin at the module root
// (programs scripts/deps builds rather than installs).
func Path(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p := filepath.Join(ModuleRoot(t), ".bin", name); isFile(p) {
		return p
	}
	Missing(t, "%s is not installed (scripts/deps installs it)", name)
	return ""
}

// Missing ends a test that lacks a real peer: a failure under CI=true, a
// skip elsewhere.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// ModuleRoot is the directory of go.mod above the test's directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for !isFile(filepath.Join(dir, "go.mod")) {
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
	return dir
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}
