package repset

import (
	"testing"
)

type probe struct {
	rel   string
	isDir bool
	want  bool
}

func inc(p string, rec bool) Rule { return Rule{Path: p, Include: true, Recursive: rec} }
func exc(p string, rec bool) Rule { return Rule{Path: p, Recursive: rec} }

func TestMatches(t *testing.T) {
	cases := []struct {
		name   string
		rules  []Rule
		probes []probe
	}{
		{"no rules protect nothing", nil, []probe{
			{"a", false, false}, {"", true, false},
		}},
		{"root Inc Rec", []Rule{inc("", true)}, []probe{
			{"", true, true}, {"a", false, true}, {"a/b/c", false, true},
		}},
		{"dir Inc Rec", []Rule{inc("data", true)}, []probe{
			{"data", true, true}, {"data/x", false, true}, {"data/a/b/x", false, true},
			{"other", false, false}, {"data2", true, false}, {"data2/x", false, false},
		}},
		{"non-recursive covers direct entries only", []Rule{inc("data", false)}, []probe{
			{"data", true, true}, {"data/x", false, true}, {"data/sub", true, true},
			{"data/sub/x", false, false},
		}},
		{"deeper Exc wins", []Rule{inc("data", true), exc("data/temp", true)}, []probe{
			{"data/temp", true, false}, {"data/temp/x", false, false}, {"data/tempx", false, true},
			{"data/x", false, true},
		}},
		{"deeper Inc inside Exc wins", []Rule{inc("data", true), exc("data/temp", true), inc("data/temp/keep.txt", false)}, []probe{
			{"data/temp/keep.txt", false, true}, {"data/temp/keep.txt.bak", false, false},
			{"data/temp/other", false, false},
		}},
		{"wildcard Rec reaches subdirectories", []Rule{inc("data", true), exc("data/*.tmp", true)}, []probe{
			{"data/x.tmp", false, false}, {"data/a/b/x.tmp", false, false}, {"data/a/x.txt", false, true},
			{"x.tmp", false, false}, {"data/a.tmp/inside", false, false},
		}},
		{"wildcard without Rec stays in its directory", []Rule{inc("data", true), exc("data/*.tmp", false)}, []probe{
			{"data/x.tmp", false, false}, {"data/a/x.tmp", false, true},
		}},
		{"literal rule beats wildcard of same depth", []Rule{exc("data/*", true), inc("data/a.txt", false), inc("data", true)}, []probe{
			{"data/a.txt", false, true}, {"data/b.txt", false, false}, {"data", true, true},
		}},
		{"Exc wins at equal specificity", []Rule{inc("da?a", true), exc("d*ta", true)}, []probe{
			{"data/x", false, false}, {"dxta/x", false, false}, {"daba/x", false, true},
		}},
		{"literal beats wildcard at equal depth", []Rule{inc("data", true), exc("dat?", true)}, []probe{
			{"data/x", false, true}, {"datx/x", false, false},
		}},
		{"trailing slash means directories only", []Rule{inc("", true), exc("**/build/", true)}, []probe{
			{"a/build", true, false}, {"a/build", false, true}, {"build/x", false, false},
			{"a/b/build/c/d", false, false}, {"a/builder", true, true},
		}},
		{"double star", []Rule{inc("src", true), exc("src/**/test", true)}, []probe{
			{"src/test", true, false}, {"src/test/x", false, false}, {"src/a/b/test/y", false, false},
			{"src/atest", false, true}, {"src/a/testing", false, true},
		}},
		{"question mark and classes", []Rule{inc("[abc]?.txt", false), inc("[^x-z]9", false)}, []probe{
			{"a1.txt", false, true}, {"d1.txt", false, false}, {"a12.txt", false, false},
			{"q9", false, true}, {"y9", false, false},
		}},
		{"escapes", []Rule{inc(`a\*b`, false)}, []probe{
			{"a*b", false, true}, {"axb", false, false},
		}},
		{"dot is the root", []Rule{inc(".", true), exc("x", true)}, []probe{
			{"a", false, true}, {"x/y", false, false},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New("set", "/src", tc.rules...)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tc.probes {
				if got := s.Matches(p.rel, p.isDir); got != p.want {
					t.Errorf("Matches(%q, dir=%v) = %v, want %v", p.rel, p.isDir, got, p.want)
				}
			}
		})
	}
}

func TestWantDir(t *testing.T) {
	cases := []struct {
		name   string
		rules  []Rule
		probes map[string]bool
	}{
		{"deep include needs its ancestors", []Rule{inc("data/keep", true)}, map[string]bool{
			"": true, "data": true, "data/keep": true, "data/keep/x": true,
			"other": false, "data/other": false,
		}},
		{"excluded subtree is skipped", []Rule{inc("", true), exc("tmp", true)}, map[string]bool{
			"": true, "a": true, "tmp": false, "tmp/x": false,
		}},
		{"include inside exclude reopens it", []Rule{inc("", true), exc("tmp", true), inc("tmp/keep", true)}, map[string]bool{
			"tmp": true, "tmp/keep": true, "tmp/keep/z": true, "tmp/other": false,
		}},
		{"non-recursive exclude does not close the subtree", []Rule{inc("", true), exc("tmp", false)}, map[string]bool{
			"tmp": true, "tmp/sub": true,
		}},
		{"recursive wildcard needs every directory", []Rule{inc("*.txt", true)}, map[string]bool{
			"": true, "a": true, "a/b/c": true,
		}},
		{"non-recursive wildcard needs the root only", []Rule{inc("*.txt", false)}, map[string]bool{
			"": true, "a": false,
		}},
		{"non-recursive dir needs itself, not below", []Rule{inc("data", false)}, map[string]bool{
			"data": true, "data/sub": false,
		}},
		{"double star", []Rule{inc("**/keep", true)}, map[string]bool{
			"": true, "a/b": true, "a/keep": true,
		}},
		{"nothing to include", []Rule{exc("", true)}, map[string]bool{
			"": false, "a": false,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New("set", "/src", tc.rules...)
			if err != nil {
				t.Fatal(err)
			}
			for rel, want := range tc.probes {
				if got := s.WantDir(rel); got != want {
					t.Errorf("WantDir(%q) = %v, want %v", rel, got, want)
				}
			}
		})
	}
}

func TestFromGlobs(t *testing.T) {
	cases := []struct {
		name       string
		inc, exc   []string
		probes     []probe
		wantErrFor bool
	}{
		{"excludes only", nil, []string{"*.tmp", "node_modules", "/build/"}, []probe{
			{"a.txt", false, true}, {"a/b.tmp", false, false}, {"x/node_modules/y", false, false},
			{"build", true, false}, {"build/x", false, false}, {"build", false, true}, {"a/build", true, true},
		}, false},
		{"exclude wins inside include", []string{"docs"}, []string{"*.md"}, []probe{
			{"docs/a.md", false, false}, {"docs/x/a.md", false, false}, {"docs/a.txt", false, true},
			{"x/docs/a.txt", false, true}, {"src/a.txt", false, false},
		}, false},
		{"anchored include", []string{"/src/*.go"}, []string{"*_test.go"}, []probe{
			{"src/a.go", false, true}, {"src/a_test.go", false, false}, {"src/sub/b.go", false, true},
			{"b.go", false, false},
		}, false},
		{"empty glob", []string{""}, nil, nil, true},
		{"bad glob", []string{"a["}, nil, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := FromGlobs("set", "/src", tc.inc, tc.exc)
			if tc.wantErrFor {
				wantCode(t, err, 101)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range tc.probes {
				if got := s.Matches(p.rel, p.isDir); got != p.want {
					t.Errorf("Matches(%q, dir=%v) = %v, want %v (rules %v)", p.rel, p.isDir, got, p.want, s.Rules())
				}
			}
		})
	}
}

func TestRuleAttributes(t *testing.T) {
	for r, want := range map[Rule]string{
		inc("a", true): "Inc, Rec", inc("a", false): "Inc", exc("a", true): "Exc, Rec", exc("a", false): "Exc",
	} {
		if got := r.Attributes(); got != want {
			t.Errorf("%+v.Attributes() = %q, want %q", r, got, want)
		}
	}
}
