package settings

import (
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

// FuzzLoadYAML feeds arbitrary bytes to the configuration parser: it must
// not panic, what it accepts must validate, and Set's in-place editor must
// change exactly one setting of any file the parser accepts.
func FuzzLoadYAML(f *testing.F) {
	for _, seed := range []string{
		original,
		"",
		"~\n",
		"{}\n",
		"{Port: 6320, LogFile: x}\n",
		"Port: &a 6320\nHBTTL: *a\n",
		"LogFile: >-\n  DTLog\n",
		"Port: !!str 6320\n",
		"  Port: 6320\n  HBTTL: 10\n",
		"Port: 6320\n---\nPort: 1\n",
		"Port:\n  - 1\n",
		"\"MirrorChunkSize\": \"1024\" # c\n",
		"é: 1\nLogFile: \"ünï\" # x\n",
	} {
		f.Add([]byte(seed))
	}
	ix := newIndex(catalog.Must().Settings)
	f.Fuzz(func(t *testing.T, b []byte) {
		layer, err := parseConfig(ix, b)
		if err != nil {
			return
		}
		for k, v := range layer.values {
			st, _ := ix.lookup(k)
			if err := Validate(st, v.value); err != nil {
				t.Fatalf("accepted invalid %s: %v", k, err)
			}
		}
		out, err := editConfig(b, "MirrorChunkSize", "4096")
		if err != nil {
			return // refusing an edit is allowed; corrupting the file is not
		}
		after, err := parseConfig(ix, out)
		if err != nil {
			t.Fatalf("edit produced a file that does not load: %v\n%q", err, out)
		}
		if got := after.values[key("MirrorChunkSize")].value; got != "4096" {
			t.Fatalf("edit did not take: %q\n%q", got, out)
		}
		for k, v := range layer.values {
			if k != key("MirrorChunkSize") && after.values[k].value != v.value {
				t.Fatalf("edit changed %s: %q -> %q", k, v.value, after.values[k].value)
			}
		}
	})
}
