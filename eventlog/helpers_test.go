package eventlog

import (
	"os"
	"os/exec"
	"testing"
	"time"
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

// waitFor polls ok until it holds, failing the test after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
