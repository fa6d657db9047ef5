package eventlog

import (
	"os"
	"os/exec"
	"testing"
)

// needTool returns the path of a real peer the test runs; without it the
// test skips, except in CI (CI=true), where scripts/deps installs it and its
// absence is a failure.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not installed (scripts/deps installs it): %v", name, err)
		}
		t.Skipf("%s not installed; run scripts/deps", name)
	}
	return p
}
