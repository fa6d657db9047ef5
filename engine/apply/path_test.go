package apply

import (
	"errors"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestCheckPath(t *testing.T) {
	good := []string{"a", "a/b", "a b/c.d", "...", "a/..b", "a\\b", "é/ü"}
	bad := []string{"", "/", "/a", "a/", "a//b", ".", "..", "./a", "a/.", "a/../b", "../a", "a/..", "a\x00b", "\x00"}
	for _, p := range good {
		if err := checkPath(p); err != nil {
			t.Errorf("checkPath(%q) = %v, want nil", p, err)
		}
	}
	for _, p := range bad {
		err := checkPath(p)
		if !errors.Is(err, ErrUnsafePath) {
			t.Errorf("checkPath(%q) = %v, want ErrUnsafePath", p, err)
			continue
		}
		wantCode(t, err, catalog.CodeInvalidParameter)
	}
}

func TestUnderAndSplit(t *testing.T) {
	cases := []struct {
		key, p string
		want   bool
	}{
		{"a", "a", true}, {"a/b", "a", true}, {"a/b/c", "a/b", true},
		{"ab", "a", false}, {"a", "a/b", false}, {"b/a", "a", false},
	}
	for _, c := range cases {
		if got := under(c.key, c.p); got != c.want {
			t.Errorf("under(%q, %q) = %v", c.key, c.p, got)
		}
	}
	if d, n := split("a/b/c"); d != "a/b" || n != "c" {
		t.Errorf("split: %q %q", d, n)
	}
	if d, n := split("c"); d != "" || n != "c" {
		t.Errorf("split: %q %q", d, n)
	}
}
