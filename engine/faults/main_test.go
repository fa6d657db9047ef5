//go:build linux

package faults

import (
	"os"
	"testing"

	"github.com/dtrep/dtrep/engine/dtrepbin"
)

// TestMain removes the dtrep binary the tests built, so runs do not pile
// binaries up in the temporary directory.
func TestMain(m *testing.M) {
	code := m.Run()
	dtrepbin.Remove()
	os.Exit(code)
}
