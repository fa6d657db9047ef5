//go:build linux

package perfmon

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/tc-hib/winres"

	"github.com/dtrep/dtrep/internal/winetest"
)

// TestWindowsBinaries checks what ships to Windows: dtrep.exe carries the
// provider's string table as RT_STRING resources (read back from the
// built executable), and, under wine64, `dtrep.exe perfmon manifest` prints
// the manifest and TestProviderUnderPerfLib passes against wine's
// advapi32, which implements the provider side of PerfLib V2 and checks
// template sizes, duplicate counter sets and unknown counter IDs.
func TestWindowsBinaries(t *testing.T) {
	dtrep := winetest.BuildExe(t, "../../cmd/dtrep", "dtrep.exe")
	f, err := os.Open(dtrep)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rs, err := winres.LoadFromEXE(f)
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[uint16][]byte{}
	rs.WalkType(winres.RT_STRING, func(id winres.Identifier, lang uint16, data []byte) bool {
		if n, ok := id.(winres.ID); ok && lang == stringLanguage {
			blocks[uint16(n)] = data
		}
		return true
	})
	got, err := DecodeStringBlocks(blocks)
	if err != nil {
		t.Fatal(err)
	}
	want := StringTable(testSets(t))
	if len(got) != len(want) {
		t.Fatalf("dtrep.exe holds %d strings, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("dtrep.exe string %+v, want %+v", got[i], want[i])
		}
	}

	prefix := winetest.NewPrefix(t)
	ctx, cancel := context.WithTimeout(context.Background(), winetest.Timeout)
	defer cancel()
	out, err := prefix.Command(ctx, dtrep, "perfmon", "manifest").Output()
	if err != nil || !bytes.Equal(out, ManifestFileBytes()) {
		t.Errorf("dtrep.exe perfmon manifest: %v; printed %d bytes, want the %d of the manifest", err,
			len(out), len(ManifestFileBytes()))
	}

	exe := winetest.BuildTest(t, ".")
	out, err = prefix.Command(ctx, exe, "-test.run", "^TestProviderUnderPerfLib$", "-test.v", "-test.count=1").
		CombinedOutput()
	t.Logf("under wine:\n%s", out)
	if err != nil {
		t.Fatalf("Windows test binary: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestProviderUnderPerfLib") {
		t.Fatal("TestProviderUnderPerfLib did not pass under wine")
	}
}
