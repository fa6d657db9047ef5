package perfmon

import "testing"

// FuzzDecodeTemplate: any bytes decode to an error or to a template that
// encodes back to the same bytes' length and counters.
func FuzzDecodeTemplate(f *testing.F) {
	for _, s := range testSets(f) {
		f.Add(EncodeTemplate(s))
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		tmpl, err := DecodeTemplate(b)
		if err != nil {
			return
		}
		if got := counterSetInfoSize + counterInfoSize*len(tmpl.Counters); got != len(b) {
			t.Fatalf("%d bytes decoded as %d counters", len(b), len(tmpl.Counters))
		}
	})
}

// FuzzDecodeStringBlocks: any block decodes to an error or to strings that
// encode back to the same block.
func FuzzDecodeStringBlocks(f *testing.F) {
	blocks, err := StringBlocks(StringTable(testSets(f)))
	if err != nil {
		f.Fatal(err)
	}
	for _, b := range blocks {
		f.Add(b)
	}
	f.Add(make([]byte, 32))
	f.Fuzz(func(t *testing.T, b []byte) {
		table, err := DecodeStringBlocks(map[uint16][]byte{3: b})
		if err != nil || len(table) == 0 {
			return
		}
		again, err := StringBlocks(table)
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeStringBlocks(again)
		if err != nil || len(back) != len(table) {
			t.Fatalf("re-encoded block decodes to %d strings (%v), want %d", len(back), err, len(table))
		}
		for i := range back {
			if back[i] != table[i] {
				t.Fatalf("string %d: %q became %q", back[i].ID, table[i].Text, back[i].Text)
			}
		}
	})
}
