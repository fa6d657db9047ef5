package perfmon

import (
	"encoding/binary"
	"fmt"
	"sort"
	"unicode/utf16"
)

// ResourceString is one string of the provider's string table.
type ResourceString struct {
	ID   uint16
	Text string
}

// StringTable numbers the names and explanations Performance Monitor shows,
// from ResourceBase on, in manifest order: each counter set's name and
// help, then each of its counters' name and help. lodctr records these IDs
// when it registers the manifest and consumers load the strings from
// ApplicationIdentity's RT_STRING resources.
func StringTable(sets []CounterSet) []ResourceString {
	var out []ResourceString
	id := uint16(ResourceBase)
	add := func(texts ...string) {
		for _, t := range texts {
			out = append(out, ResourceString{ID: id, Text: t})
			id++
		}
	}
	for _, s := range sets {
		add(s.Name, s.Help)
		for _, c := range s.Counters {
			add(c.Name, c.Help)
		}
	}
	return out
}

// StringBlocks encodes a string table as RT_STRING resources: block n
// holds the strings with IDs 16(n-1) to 16n-1, each as a UTF-16LE length
// then that many UTF-16 units (no terminator); absent IDs have length 0.
// The map is keyed by block (resource name) number.
func StringBlocks(table []ResourceString) (map[uint16][]byte, error) {
	byBlock := map[uint16]*[16][]uint16{}
	for _, s := range table {
		u := utf16.Encode([]rune(s.Text))
		if len(u) > 0xffff {
			return nil, fmt.Errorf("string resource %d: %d UTF-16 units, more than a resource string holds", s.ID, len(u))
		}
		blk := s.ID/16 + 1
		if byBlock[blk] == nil {
			byBlock[blk] = new([16][]uint16)
		}
		if byBlock[blk][s.ID%16] != nil {
			return nil, fmt.Errorf("string resource %d given twice", s.ID)
		}
		byBlock[blk][s.ID%16] = u
	}
	out := make(map[uint16][]byte, len(byBlock))
	for blk, entries := range byBlock {
		var b []byte
		for _, u := range entries {
			b = binary.LittleEndian.AppendUint16(b, uint16(len(u)))
			for _, r := range u {
				b = binary.LittleEndian.AppendUint16(b, r)
			}
		}
		out[blk] = b
	}
	return out, nil
}

// DecodeStringBlocks reads RT_STRING blocks back into a string table,
// sorted by ID.
func DecodeStringBlocks(blocks map[uint16][]byte) ([]ResourceString, error) {
	var out []ResourceString
	for blk, b := range blocks {
		if blk == 0 {
			return nil, fmt.Errorf("string block 0: blocks are numbered from 1")
		}
		for i := 0; i < 16; i++ {
			if len(b) < 2 {
				return nil, fmt.Errorf("string block %d: ends in entry %d", blk, i)
			}
			n := int(binary.LittleEndian.Uint16(b))
			b = b[2:]
			if len(b) < 2*n {
				return nil, fmt.Errorf("string block %d: entry %d holds %d units, %d bytes left", blk, i, n, len(b))
			}
			if n > 0 {
				u := make([]uint16, n)
				for j := range u {
					u[j] = binary.LittleEndian.Uint16(b[2*j:])
				}
				out = append(out, ResourceString{ID: (blk-1)*16 + uint16(i), Text: string(utf16.Decode(u))})
			}
			b = b[2*n:]
		}
		if len(b) != 0 {
			return nil, fmt.Errorf("string block %d: %d bytes after 16 entries", blk, len(b))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
