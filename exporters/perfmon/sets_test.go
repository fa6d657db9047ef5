package perfmon

import (
	"os"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/catalog/refparse"
)

func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func testSets(t testing.TB) []CounterSet {
	t.Helper()
	sets, err := CounterSets(testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	return sets
}

// TestCounterSetsAreTheReferences holds the sets to chapter 7 as parsed
// from the reference itself: the same objects and counters in the same
// order, with the reference's explanations as help.
func TestCounterSetsAreTheReferences(t *testing.T) {
	ref, err := os.ReadFile("../../engine/catalog/testdata/reference-guide-7.1.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, err := refparse.ParsePerfCounters(string(ref))
	if err != nil {
		t.Fatal(err)
	}
	var got []refparse.PerfCounter
	for _, s := range testSets(t) {
		for _, c := range s.Counters {
			got = append(got, refparse.PerfCounter{Object: s.Name, Counter: c.Name, Description: c.Help})
		}
	}
	if len(got) != 50 || len(want) != 50 {
		t.Fatalf("%d counters, reference %d, want 50", len(got), len(want))
	}
	for i := range want {
		w := want[i]
		w.Description = strings.Join(strings.Fields(w.Description), " ")
		if got[i] != w {
			t.Errorf("counter %d: %+v, reference %+v", i, got[i], w)
		}
	}
}

func TestCounterSetsShape(t *testing.T) {
	sets := testSets(t)
	if len(sets) != 5 {
		t.Fatalf("%d sets, want 5", len(sets))
	}
	guids := map[GUID]string{ProviderGUID: "provider"}
	for _, s := range sets {
		if other, dup := guids[s.GUID]; dup {
			t.Errorf("%s: GUID %s also names %s", s.Name, s.GUID, other)
		}
		guids[s.GUID] = s.Name
		if s.Help == "" || s.Symbol == "" {
			t.Errorf("%s: help %q symbol %q", s.Name, s.Help, s.Symbol)
		}
		wantMulti := s.Name == "Double-Take Connection" || s.Name == "Double-Take Target"
		if s.Multiple != wantMulti {
			t.Errorf("%s: multiple instances %v, want %v", s.Name, s.Multiple, wantMulti)
		}
		for i, c := range s.Counters {
			if c.ID != uint32(i+1) {
				t.Errorf("%s / %s: ID %d at position %d", s.Name, c.Name, c.ID, i)
			}
		}
	}
}

// TestCounterTypesAndUnits: raw values everywhere except the two counters
// the reference counts "since the last Performance Monitor refresh", and
// the Kbytes counters shown in kilobytes.
func TestCounterTypesAndUnits(t *testing.T) {
	deltas := map[string]bool{}
	for _, s := range testSets(t) {
		for _, c := range s.Counters {
			if c.Type == LargeDelta {
				deltas[s.Name+`\`+c.Name] = true
			} else if c.Type != LargeRawcount {
				t.Errorf("%s / %s: type %s", s.Name, c.Name, c.Type.ManifestName())
			}
			switch {
			case strings.Contains(c.Name, "Kbytes"):
				if c.Unit != "kilobytes" || c.Value(10*1024+1023) != 10 {
					t.Errorf("%s: unit %s, 10 KiB + 1023 bytes shows %d", c.Name, c.Unit, c.Value(10*1024+1023))
				}
			case c.Unit == "percent":
				if c.Value(455) != 45 { // tenths of a percent
					t.Errorf("%s: 45.5%% shows %d", c.Name, c.Value(455))
				}
			default:
				if c.Value(123456789) != 123456789 {
					t.Errorf("%s: 123456789 shows %d", c.Name, c.Value(123456789))
				}
			}
			if c.Value(-1) != 0 {
				t.Errorf("%s: -1 shows %d", c.Name, c.Value(-1))
			}
		}
	}
	want := []string{`Double-Take Connection\Bytes received`, `Double-Take Connection\Operations received`}
	if len(deltas) != len(want) || !deltas[want[0]] || !deltas[want[1]] {
		t.Errorf("delta counters %v, want %v", deltas, want)
	}
}

func TestCounterSetsRejectText(t *testing.T) {
	cat := &catalog.Catalog{Counters: []catalog.Counter{{Name: "x", Kind: catalog.KindInfo, Unit: "text",
		Scope: catalog.ScopeKernel, PerfObject: "Double-Take Kernel", PerfCounter: "X", PerfHelp: "x"}}}
	if _, err := CounterSets(cat); err == nil || !strings.Contains(err.Error(), "text") {
		t.Errorf("info counter accepted: %v", err)
	}
}

// TestNameGUID checks the RFC 4122 version 5 derivation against Python's
// uuid.uuid5(uuid.NAMESPACE_DNS, "python.org").
func TestNameGUID(t *testing.T) {
	dns := GUID{0x6ba7b810, 0x9dad, 0x11d1, [8]byte{0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}}
	if got := nameGUIDIn(dns, "python.org").String(); got != "{886313E1-3B8A-5372-9B90-0C9AEE199E5D}" {
		t.Errorf("uuid5(dns, python.org) = %s", got)
	}
	g := nameGUID("Double-Take Connection")
	if back := guidFromLittleEndian(g.littleEndian()); back != g {
		t.Errorf("little-endian round trip: %s became %s", g, back)
	}
}

// TestGUIDsArePinned: the GUIDs are what machines register (lodctr) and
// what consumers' saved counter lists resolve through; a change would leave
// every installed manifest naming a provider that no longer exists. The
// regeneration test alone would not catch it after an -update.
func TestGUIDsArePinned(t *testing.T) {
	want := map[string]string{
		"provider":               "{A1CF3044-E86D-5434-BDEC-B6023B38CC63}",
		"Double-Take Connection": "{2B58A3C3-5868-5144-A457-BFC2DF9C1600}",
		"Double-Take Kernel":     "{7E4BFA40-9A09-50C0-8065-D95BE70ACCF0}",
		"Double-Take Security":   "{9FC5305C-E3D9-58BC-9FDE-4A0F049EFE73}",
		"Double-Take Source":     "{0719E6E2-B8F5-54EF-A18C-CD79C765B69B}",
		"Double-Take Target":     "{8ED746AD-BFD4-5E62-8655-D9B4B19CA52C}",
	}
	got := map[string]string{"provider": ProviderGUID.String()}
	for _, s := range testSets(t) {
		got[s.Name] = s.GUID.String()
	}
	for name, g := range want {
		if got[name] != g {
			t.Errorf("%s: GUID %s, registered machines know %s", name, got[name], g)
		}
	}
}
