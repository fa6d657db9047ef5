package repset

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestNewValidation(t *testing.T) {
	if _, err := New("s", "relative/root"); err == nil {
		t.Fatal("relative root accepted")
	} else {
		wantCode(t, err, 140)
	}
	if _, err := New("s", ""); err == nil {
		t.Fatal("empty root accepted")
	} else {
		wantCode(t, err, 140)
	}
	if _, err := New("", "/src"); err == nil {
		t.Fatal("empty name accepted")
	} else {
		wantCode(t, err, 101)
	}
	for _, bad := range []string{"a//b", "/abs", "a/../b", "a/[", `a\`, "x\x00"} {
		_, err := New("s", "/src", inc(bad, true))
		wantCode(t, err, 101)
	}
	s, err := New("s", "/src/./data/")
	if err != nil {
		t.Fatal(err)
	}
	if s.Root() != "/src/data" {
		t.Errorf("Root() = %q, want the cleaned /src/data", s.Root())
	}
}

func TestRuleEditing(t *testing.T) {
	s, err := New("s", "/src", inc("a", true), exc("b", false), inc("a", false))
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{inc("a", false), exc("b", false)}
	if got := s.Rules(); !reflect.DeepEqual(got, want) {
		t.Fatalf("repeated path should replace in place: got %v, want %v", got, want)
	}
	if err := s.AddRule(inc("c/*.txt", true)); err != nil {
		t.Fatal(err)
	}
	if !s.Matches("c/d/e.txt", false) {
		t.Error("added rule not in effect")
	}
	if err := s.AddRule(inc("c/[", true)); err == nil {
		t.Error("bad rule accepted")
	}
	if err := s.RemoveRule("b"); err != nil {
		t.Fatal(err)
	}
	err = s.RemoveRule("b")
	wantCode(t, err, 136)
	if got := len(s.Rules()); got != 2 {
		t.Errorf("%d rules left, want 2", got)
	}
	if err := s.AddRule(inc("", true)); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveRule("."); err != nil {
		t.Errorf(`"." should name the root rule: %v`, err)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	s, err := New("docs", "/srv/data", inc("", true), exc("**/*.tmp", true), inc("keep/", false))
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s.SetSize(Size{Files: 3, Dirs: 2, Bytes: 99, LastCalculated: when})
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var back Set
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Name() != "docs" || back.Root() != "/srv/data" {
		t.Errorf("name/root = %q/%q", back.Name(), back.Root())
	}
	if !reflect.DeepEqual(back.Rules(), s.Rules()) {
		t.Errorf("rules = %v, want %v", back.Rules(), s.Rules())
	}
	if got := back.Size(); got.Bytes != 99 || !got.LastCalculated.Equal(when) || got.Contains() != 5 {
		t.Errorf("size = %+v", got)
	}
	if back.Matches("a/b.tmp", false) || !back.Matches("a/b.txt", false) {
		t.Error("unmarshalled set does not match like the original")
	}

	var bad Set
	err = json.Unmarshal([]byte(`{"name":"x","root":"/r","rules":[{"path":"a/[","include":true}]}`), &bad)
	wantCode(t, err, 101)
	err = json.Unmarshal([]byte(`{"name":"x","root":"r","rules":[]}`), &bad)
	wantCode(t, err, 140)
}

// buildTree writes files (path -> size) under a new temp root.
func buildTree(t testing.TB, files map[string]int) string {
	t.Helper()
	root := t.TempDir()
	for p, n := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, make([]byte, n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestCalculate(t *testing.T) {
	root := buildTree(t, map[string]int{
		"a.txt":         10,
		"b.tmp":         1000,
		"d1/c.txt":      20,
		"d1/d2/e.txt":   30,
		"tmp/f.txt":     4000,
		"tmp/keep/g.md": 40,
	})
	if err := os.Link(filepath.Join(root, "a.txt"), filepath.Join(root, "d1/a-link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.txt", filepath.Join(root, "d1/sym")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := New("calc", root, inc("", true), exc("*.tmp", true), exc("tmp", true), inc("tmp/keep", true))
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	z, err := s.Calculate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Files: a.txt, d1/c.txt, d1/d2/e.txt, tmp/keep/g.md, d1/a-link.txt, d1/sym.
	// Dirs: d1, d1/d2, tmp/keep, empty (tmp itself is excluded).
	// Bytes: 10+20+30+40; the hard link and the symlink add nothing.
	want := Size{Files: 6, Dirs: 4, Bytes: 100}
	if z.Files != want.Files || z.Dirs != want.Dirs || z.Bytes != want.Bytes {
		t.Errorf("Calculate = %+v, want files %d dirs %d bytes %d", z, want.Files, want.Dirs, want.Bytes)
	}
	if z.LastCalculated.Before(before) {
		t.Errorf("LastCalculated %v is before the call", z.LastCalculated)
	}
	if got := s.Size(); got != z {
		t.Errorf("Size() = %+v, want the recorded %+v", got, z)
	}
}

func TestCalculateCancelled(t *testing.T) {
	root := buildTree(t, map[string]int{"a/b": 1})
	s, err := New("calc", root, inc("", true))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Calculate(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Calculate with cancelled ctx: %v, want context.Canceled", err)
	}
	if !s.Size().LastCalculated.IsZero() {
		t.Error("a cancelled calculation was recorded")
	}
}

func TestCalculateBadRoot(t *testing.T) {
	s, err := New("calc", filepath.Join(t.TempDir(), "missing"), inc("", true))
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Calculate(context.Background())
	wantCode(t, err, 140)

	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ = New("calc", file, inc("", true))
	_, err = s.Calculate(context.Background())
	wantCode(t, err, 140)
}

func TestEstimateByVolume(t *testing.T) {
	root := buildTree(t, map[string]int{"a": 4096})
	s, err := New("vol", root, inc("", true))
	if err != nil {
		t.Fatal(err)
	}
	z, err := s.EstimateByVolume()
	if err != nil {
		t.Fatal(err)
	}
	if !z.Estimated || z.Bytes <= 0 || z.LastCalculated.IsZero() {
		t.Errorf("EstimateByVolume = %+v, want an estimated positive size", z)
	}
}
