//go:build linux

package faults

import (
	"os"
	"testing"
)

// TestMain removes the dtrep binary the tests built, so runs do not pile
// binaries up in the temporary directory.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}
