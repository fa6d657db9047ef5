package repset

import (
	"context"
	"fmt"
	"testing"
)

func BenchmarkMatches(b *testing.B) {
	s, err := New("b", "/src", inc("", true), exc("**/*.tmp", true), exc("cache", true), inc("cache/keep", true), exc("**/node_modules/", true))
	if err != nil {
		b.Fatal(err)
	}
	paths := []string{"a/b/c/d.txt", "cache/keep/x", "cache/y", "src/node_modules/z", "x.tmp"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Matches(paths[i%len(paths)], false)
	}
}

func BenchmarkCalculate(b *testing.B) {
	files := map[string]int{}
	for i := range 2000 {
		files[fmt.Sprintf("d%d/f%d", i%50, i)] = 100
	}
	root := buildTree(b, files)
	s, err := New("b", root, inc("", true), exc("**/*.tmp", true))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Calculate(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}
