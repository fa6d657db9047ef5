package mib

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dtrep/dtrep/internal/testtool"
)

// ietfDir is the directory of the IETF base modules (SNMPv2-SMI...), which
// Debian does not ship: mib/ietf in the repository.
func ietfDir(t *testing.T) string {
	t.Helper()
	dir := testtool.ModuleRoot(t)
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
