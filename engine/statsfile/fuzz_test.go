package statsfile

import (
	"bytes"
	"io"
	"testing"
)

// FuzzReader feeds arbitrary bytes to the reader: it must never panic, loop
// or allocate beyond the input, and what it returns must be well formed.
func FuzzReader(f *testing.F) {
	good := encodeFile(f, sample(0), sample(1))
	f.Add(good)
	f.Add(good[:len(good)-7])
	f.Add(fileHeader())
	f.Add([]byte("not a statistics file"))
	damaged := bytes.Clone(good)
	damaged[len(damaged)/2] ^= 0xff
	f.Add(damaged)
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for n := 0; ; n++ {
			if n > len(data) {
				t.Fatal("more records than bytes")
			}
			s, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, in := range allBlocks(s) {
				for name := range in.Values {
					if _, ok := r.Schema().Field(in.Scope, name); !ok {
						t.Fatalf("value %q of %s is not in the schema", name, in.Scope)
					}
				}
			}
		}
		if h := r.Health(); h.Skipped > int64(len(data)) {
			t.Fatalf("skipped %d of %d bytes", h.Skipped, len(data))
		}
	})
}
