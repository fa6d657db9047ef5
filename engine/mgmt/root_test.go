package mgmt_test

import (
	"os"
	"testing"
)

// requireRoot: the unix socket tests authenticate real kernel credentials,
// which needs a root test process (admin) and the ability to start children
// as other users. CI runs as root; there a non-root run is a failure.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("these tests need root (uid 0)")
	}
	t.Skip("needs root: run as root to exercise peer-credential authorisation")
}
