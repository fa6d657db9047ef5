package capture

import (
	"reflect"
	"testing"
)

func drain(q *queue) []Change {
	var out []Change
	for q.len() > 0 {
		out = append(out, q.front())
		q.pop()
	}
	return out
}

func TestQueueMerges(t *testing.T) {
	w := func(p string) Change { return Change{Kind: Write, Path: p} }
	cases := []struct {
		name string
		in   []Change
		want []Change
	}{
		{"writes merge", []Change{w("a"), w("a"), w("b"), w("a")}, []Change{w("a"), w("b")}},
		{"create absorbs write and chmod", []Change{{Kind: Create, Path: "a"}, w("a"), {Kind: Chmod, Path: "a"}},
			[]Change{{Kind: Create, Path: "a"}}},
		{"write does not absorb chmod", []Change{w("a"), {Kind: Chmod, Path: "a"}, {Kind: Chmod, Path: "a"}},
			[]Change{w("a"), {Kind: Chmod, Path: "a"}}},
		{"no merge across a remove", []Change{w("a"), {Kind: Remove, Path: "a"}, w("a")},
			[]Change{w("a"), {Kind: Remove, Path: "a"}, w("a")}},
		{"no merge across a rename of an ancestor", []Change{w("d/a"), {Kind: Rename, Path: "e", OldPath: "d", IsDir: true}, w("d/a")},
			[]Change{w("d/a"), {Kind: Rename, Path: "e", OldPath: "d", IsDir: true}, w("d/a")}},
		{"merges again after the barrier", []Change{{Kind: Rescan, Path: "x"}, w("a"), w("a")},
			[]Change{{Kind: Rescan, Path: "x"}, w("a")}},
		{"dir and file of one name stay apart", []Change{{Kind: Create, Path: "a", IsDir: true}, {Kind: Chmod, Path: "a"}},
			[]Change{{Kind: Create, Path: "a", IsDir: true}, {Kind: Chmod, Path: "a"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := newQueue()
			merged := 0
			for _, c := range tc.in {
				if q.push(c) {
					merged++
				}
			}
			if got := drain(q); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			if merged != len(tc.in)-len(tc.want) {
				t.Errorf("push reported %d merges, want %d", merged, len(tc.in)-len(tc.want))
			}
		})
	}
}

// A delivered record can no longer absorb anything.
func TestQueueNoMergeIntoDelivered(t *testing.T) {
	q := newQueue()
	q.push(Change{Kind: Write, Path: "a"})
	q.pop()
	if q.push(Change{Kind: Write, Path: "a"}) {
		t.Fatal("merged into a record already delivered")
	}
	if q.len() != 1 {
		t.Fatalf("len = %d, want 1", q.len())
	}
}

// Compaction keeps sequence numbers consistent.
func TestQueueCompaction(t *testing.T) {
	q := newQueue()
	for i := range 5000 {
		q.push(Change{Kind: Create, Path: string(rune('a' + i%26))})
		if i%3 != 0 {
			q.pop()
		}
		if q.push(Change{Kind: Write, Path: q.items[len(q.items)-1].Path}) && q.items[len(q.items)-1].Kind != Create {
			t.Fatal("merged into a non-Create")
		}
	}
	n := q.len()
	if got := q.reset(); got != n {
		t.Fatalf("reset dropped %d, want %d", got, n)
	}
	if q.push(Change{Kind: Write, Path: "a"}) || q.len() != 1 {
		t.Fatal("queue unusable after reset")
	}
}
