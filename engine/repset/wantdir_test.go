package repset

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWantDirSound checks WantDir's promise on random rule sets over a tiny
// alphabet: when it says a directory need not be walked, no path below it
// is protected.
func TestWantDirSound(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	comps := []string{"a", "b", "a*", "?", "[ab]", "**", "*"}
	names := []string{"a", "b", "ab", "ba"}
	randPath := func(alphabet []string, max int) string {
		n := 1 + rng.IntN(max)
		parts := make([]string, n)
		for i := range parts {
			parts[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return strings.Join(parts, "/")
	}
	// Every path of up to 4 components over names.
	var all []string
	var gen func(prefix string, depth int)
	gen = func(prefix string, depth int) {
		if depth == 0 {
			return
		}
		for _, n := range names {
			p := joinRel(prefix, n)
			all = append(all, p)
			gen(p, depth-1)
		}
	}
	gen("", 4)

	for trial := 0; trial < 300; trial++ {
		var rules []Rule
		for range 1 + rng.IntN(4) {
			p := randPath(comps, 3)
			if rng.IntN(4) == 0 {
				p += "/"
			}
			rules = append(rules, Rule{Path: p, Include: rng.IntN(2) == 0, Recursive: rng.IntN(2) == 0})
		}
		s, err := New("sound", "/src", rules...)
		if err != nil {
			t.Fatal(err)
		}
		for _, dir := range all {
			if s.WantDir(dir) {
				continue
			}
			for _, p := range all {
				if !strings.HasPrefix(p, dir+"/") {
					continue
				}
				if s.Matches(p, false) || s.Matches(p, true) {
					t.Fatalf("rules %v: WantDir(%q) is false but %q is protected", rules, dir, p)
				}
			}
		}
	}
}
