package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/packs/scom"
)

// install scom writes the committed packs, and with --key-token the 2012
// packs reference each other by that token.
func TestPacksInstallSCOM(t *testing.T) {
	dir := t.TempDir()
	out, err := runCLI(t, "packs", "install", "scom", "--dir", dir)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, f := range []string{scom.File2007, scom.File2012Library, scom.File2012Discover, scom.File2012Monitor,
		scom.File2012Present} {
		got, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "..", "packs", "scom", f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the committed pack", f)
		}
		if !strings.Contains(out, filepath.Join(dir, f)) {
			t.Errorf("output does not list %s:\n%s", f, out)
		}
	}

	keyed := t.TempDir()
	if out, err := runCLI(t, "packs", "install", "scom", "--dir", keyed, "--key-token", "0123456789abcdef"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	mon, err := os.ReadFile(filepath.Join(keyed, scom.File2012Monitor))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(mon, []byte("<PublicKeyToken>0123456789abcdef</PublicKeyToken>")) ||
		bytes.Contains(mon, []byte(scom.PlaceholderKeyToken)) {
		t.Errorf("the monitoring pack does not reference its siblings by the given token")
	}
}

func TestPacksInstallSCOMRefused(t *testing.T) {
	_, err := runCLI(t, "packs", "install", "scom")
	wantCode(t, err, catalog.CodeInvalidParameter)
	_, err = runCLI(t, "packs", "install", "scom", "--dir", t.TempDir(), "--key-token", "notahextoken")
	wantCode(t, err, catalog.CodeInvalidParameter)
}
