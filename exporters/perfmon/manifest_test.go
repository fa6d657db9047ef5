package perfmon

import (
	"os"
	"strings"
	"testing"
)

// committedManifest parses the manifest file in the tree, not the model
// the code builds, so the checks below hold for what lodctr is given.
func committedManifest(t *testing.T) Manifest {
	t.Helper()
	b, err := os.ReadFile(ManifestName)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseManifest(b)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestManifestStructure checks what the counters schema
// (http://schemas.microsoft.com/win/2005/12/counters) requires and that no
// public copy lets us validate against: required attributes, enumerated
// values, name lengths and the schema's uniqueness keys; and that the
// objects and counters are the reference's 5 and 50.
func TestManifestStructure(t *testing.T) {
	m := committedManifest(t)
	if m.Xmlns != eventsNS || m.Counters.Xmlns != countersNS || m.Counters.SchemaVersion != "1.1" {
		t.Errorf("namespaces %q, %q, schema version %q", m.Xmlns, m.Counters.Xmlns, m.Counters.SchemaVersion)
	}
	if len(m.Counters.Providers) != 1 {
		t.Fatalf("%d providers, want 1", len(m.Counters.Providers))
	}
	p := m.Counters.Providers[0]
	if p.ProviderGUID != ProviderGUID.String() || p.ApplicationIdentity != ApplicationIdentity ||
		p.ProviderType != "userMode" || p.Symbol == "" {
		t.Errorf("provider %+v", p)
	}
	validTypes := map[string]bool{"perf_counter_large_rawcount": true, "perf_counter_large_delta": true,
		"perf_counter_rawcount": true, "perf_counter_bulk_count": true, "perf_counter_delta": true}
	unique := map[string]map[string]bool{}
	once := func(key, v string) {
		if unique[key] == nil {
			unique[key] = map[string]bool{}
		}
		if v == "" || unique[key][v] {
			t.Errorf("%s %q is empty or not unique", key, v)
		}
		unique[key][v] = true
	}
	once("provider GUID", p.ProviderGUID)
	refNames := map[string]bool{}
	for _, s := range testSets(t) {
		for _, c := range s.Counters {
			refNames[s.Name+`\`+c.Name] = true
		}
	}
	counters := 0
	for _, s := range p.CounterSets {
		once("counter set GUID", s.GUID)
		once("counter set URI", s.URI)
		once("counter set name", s.Name)
		once("counter set symbol", s.Symbol)
		if s.Description == "" || len(s.Name) > 1023 || (s.Instances != "single" && s.Instances != "multiple") {
			t.Errorf("counter set %s: description %q, instances %q", s.Name, s.Description, s.Instances)
		}
		ids, names := map[uint32]bool{}, map[string]bool{}
		for _, c := range s.Counters {
			counters++
			once("counter URI", c.URI)
			once("counter symbol", c.Symbol)
			if ids[c.ID] || names[c.Name] {
				t.Errorf("%s: counter ID %d or name %q repeated", s.Name, c.ID, c.Name)
			}
			ids[c.ID], names[c.Name] = true, true
			if !validTypes[c.Type] || (c.DetailLevel != "standard" && c.DetailLevel != "advanced") ||
				c.Description == "" || len(c.Name) > 1023 {
				t.Errorf("%s\\%s: type %q detail %q description %q", s.Name, c.Name, c.Type, c.DetailLevel, c.Description)
			}
			if !refNames[s.Name+`\`+c.Name] {
				t.Errorf("%s\\%s is not a chapter 7 counter", s.Name, c.Name)
			}
		}
	}
	if len(p.CounterSets) != 5 || counters != 50 {
		t.Errorf("%d counter sets and %d counters, want 5 and 50", len(p.CounterSets), counters)
	}
}

// winperfTypes are winperf.h's values of the manifest's type names,
// written out here rather than taken from CounterType so the template
// check does not trust the code it checks.
var winperfTypes = map[string]uint32{
	"perf_counter_rawcount":       0x00010000,
	"perf_counter_large_rawcount": 0x00010100,
	"perf_counter_delta":          0x00400400,
	"perf_counter_large_delta":    0x00400500,
	"perf_counter_bulk_count":     0x10410500,
}

// TestTemplatesAgreeWithManifest decodes the bytes the provider passes to
// PerfSetCounterSetInfo for each set and holds them to the committed
// manifest: GUIDs, instance type, counter IDs in order, types, value sizes
// (PERF_SIZE_LARGE: 8 bytes), offsets packed without overlap, detail
// level.
func TestTemplatesAgreeWithManifest(t *testing.T) {
	p := committedManifest(t).Counters.Providers[0]
	byGUID := map[string]CounterSet{}
	for _, s := range testSets(t) {
		byGUID[s.GUID.String()] = s
	}
	for _, ms := range p.CounterSets {
		s, ok := byGUID[ms.GUID]
		if !ok {
			t.Errorf("manifest counter set %s %s: no provider counter set", ms.Name, ms.GUID)
			continue
		}
		tmpl, err := DecodeTemplate(EncodeTemplate(s))
		if err != nil {
			t.Fatal(err)
		}
		if tmpl.CounterSet.String() != ms.GUID || tmpl.Provider.String() != p.ProviderGUID {
			t.Errorf("%s: template GUIDs %s / %s", ms.Name, tmpl.CounterSet, tmpl.Provider)
		}
		if want := map[string]uint32{"single": 0, "multiple": 2}[ms.Instances]; tmpl.InstanceType != want {
			t.Errorf("%s: instance type %d, manifest %q", ms.Name, tmpl.InstanceType, ms.Instances)
		}
		if len(tmpl.Counters) != len(ms.Counters) {
			t.Fatalf("%s: %d template counters, %d in the manifest", ms.Name, len(tmpl.Counters), len(ms.Counters))
		}
		var offset uint32
		for i, mc := range ms.Counters {
			tc := tmpl.Counters[i]
			wantType, known := winperfTypes[mc.Type]
			size := uint32(4)
			if wantType&0x300 == 0x100 {
				size = 8
			}
			if tc.ID != mc.ID || !known || tc.Type != wantType || tc.Size != size || tc.Offset != offset ||
				tc.DetailLevel != 100 || tc.Attrib != 1 || tc.Scale != 0 {
				t.Errorf("%s\\%s: template %+v, manifest id %d type %s (size %d, offset %d)",
					ms.Name, mc.Name, tc, mc.ID, mc.Type, size, offset)
			}
			offset += size
		}
	}
}

func TestDecodeTemplateRejectsBadLengths(t *testing.T) {
	b := EncodeTemplate(testSets(t)[0])
	for _, n := range []int{0, 39, len(b) - 1, len(b) + 1} {
		bad := make([]byte, n)
		copy(bad, b)
		if _, err := DecodeTemplate(bad); err == nil || !strings.Contains(err.Error(), "counter set template") {
			t.Errorf("%d bytes: %v", n, err)
		}
	}
}

// TestStringTable: every name and explanation the manifest shows is in the
// string table, numbered from ResourceBase in manifest order, and the
// RT_STRING blocks decode back to it.
func TestStringTable(t *testing.T) {
	sets := testSets(t)
	table := StringTable(sets)
	var want []string
	for _, s := range committedManifest(t).Counters.Providers[0].CounterSets {
		want = append(want, s.Name, s.Description)
		for _, c := range s.Counters {
			want = append(want, c.Name, c.Description)
		}
	}
	if len(table) != len(want) {
		t.Fatalf("%d strings, manifest has %d", len(table), len(want))
	}
	for i, s := range table {
		if s.ID != uint16(ResourceBase+i) || s.Text != want[i] {
			t.Errorf("string %d: %d %q, want %d %q", i, s.ID, s.Text, ResourceBase+i, want[i])
		}
	}
	blocks, err := StringBlocks(table)
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeStringBlocks(blocks)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(table) {
		t.Fatalf("%d strings decoded, %d encoded", len(back), len(table))
	}
	for i := range back {
		if back[i] != table[i] {
			t.Errorf("decoded %+v, encoded %+v", back[i], table[i])
		}
	}
	if _, err := StringBlocks([]ResourceString{{ID: 7, Text: "a"}, {ID: 7, Text: "b"}}); err == nil {
		t.Error("a repeated string ID was accepted")
	}
}
