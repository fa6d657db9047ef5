package mib

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// needTool returns the path of a net-snmp or libsmi tool. CI installs them
// (scripts/deps), so there a missing tool fails the test; elsewhere it
// skips.
func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed (scripts/deps installs it)", name)
		}
		t.Skipf("%s is not installed (scripts/deps installs it)", name)
	}
	return p
}

// ietfDir is the directory of the IETF base modules (SNMPv2-SMI...), which
// Debian does not ship: mib/ietf in the repository.
func ietfDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
	ietf := filepath.Join(dir, "mib", "ietf")
	if _, err := os.Stat(filepath.Join(ietf, "SNMPv2-SMI.txt")); err != nil {
		t.Fatalf("IETF base modules not found: %v", err)
	}
	return ietf
}

// snmpEnv keeps net-snmp tools away from the system's configuration and
// persistent directory.
func snmpEnv(t *testing.T) []string {
	t.Helper()
	dir := t.TempDir()
	// net-snmp announces on stderr each persistent directory it creates.
	if err := os.MkdirAll(filepath.Join(dir, "cert_indexes"), 0o700); err != nil {
		t.Fatal(err)
	}
	return append(os.Environ(), "SNMP_PERSISTENT_DIR="+dir, "SNMPCONFPATH="+dir, "MIBS=", "MIBDIRS=")
}
