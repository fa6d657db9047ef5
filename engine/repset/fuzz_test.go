package repset

import (
	"path"
	"strings"
	"testing"
)

// FuzzGlob checks the component compiler against path.Match, whose syntax
// the rules promise: same verdict on validity, same answer on matching.
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"*.txt", "a.txt"}, {"a?c", "abc"}, {"[a-c]x", "bx"}, {"[^a-c]x", "dx"}, {`\*`, "*"},
		{"*a*b*", "xaybz"}, {"[]", "a"}, {"[a-]", "a"}, {"a[", "a"}, {`a\`, "a"}, {"[\\]]", "]"},
		{"?", "é"}, {"*\xa9", "é"}, {"[é-ü]", "ö"}, {"**", "abc"}, {"", ""}, {"[^]", "x"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, name string) {
		if strings.Contains(pat, "/") || strings.Contains(name, "/") {
			return // components never hold a separator
		}
		g, err := compileGlob(pat)
		want, werr := path.Match(pat, name)
		if (err != nil) != (werr != nil) {
			t.Fatalf("compileGlob(%q) err=%v, path.Match err=%v", pat, err, werr)
		}
		if err != nil {
			return
		}
		if got := g.match(name); got != want {
			t.Fatalf("match(%q, %q) = %v, path.Match says %v", pat, name, got, want)
		}
	})
}

// FuzzRulePath feeds arbitrary rule paths and entry paths through the whole
// set: no panic, and a path that compiles can be removed again by name.
func FuzzRulePath(f *testing.F) {
	for _, s := range []string{"", ".", "a/b", "**/x/", "a//b", "/abs", "a/../b", "[", "*/?/[a-z]", "a\x00"} {
		f.Add(s, "a/b/c", true)
	}
	f.Fuzz(func(t *testing.T, rule, rel string, rec bool) {
		s, err := New("fuzz", "/src", Rule{Path: rule, Include: true, Recursive: rec}, Rule{Path: "**/tmp", Recursive: true})
		if err != nil {
			wantCode(t, err, 101)
			return
		}
		m := s.Matches(rel, false)
		md := s.Matches(rel, true)
		if (m || md) && rel != "" && !strings.Contains(rel, "//") {
			// Whatever a rule includes, its parent must be walked.
			if dir := path.Dir(strings.Trim(rel, "/")); dir != "." && !s.WantDir(dir) {
				t.Fatalf("rule %q includes %q but WantDir(%q) is false", rule, rel, dir)
			}
		}
		if err := s.RemoveRule(rule); err != nil {
			t.Fatalf("RemoveRule(%q): %v", rule, err)
		}
	})
}
