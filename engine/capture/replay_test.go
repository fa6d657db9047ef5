package capture

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dtrep/dtrep/engine/repset"
)

// replica applies records the way a consumer does, reading the file system
// when it handles a record, and keeps the set of entries it would have
// mirrored (path -> is a directory).
type replica struct {
	root    string
	set     *repset.Set
	entries map[string]bool
}

func (r *replica) stat(rel string) (isDir, ok bool) {
	fi, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(rel)))
	if err != nil {
		return false, false
	}
	return fi.IsDir(), true
}

func (r *replica) drop(rel string) {
	for p := range r.entries {
		if p == rel || strings.HasPrefix(p, rel+"/") || rel == "" {
			delete(r.entries, p)
		}
	}
}

// load mirrors rel and, for a directory, what is protected below it.
func (r *replica) load(rel string) {
	if isDir, ok := r.stat(rel); ok && rel != "" {
		if r.set.Matches(rel, isDir) {
			r.entries[rel] = isDir
		}
		if !isDir || !r.set.WantDir(rel) {
			return
		}
	}
	_ = filepath.WalkDir(filepath.Join(r.root, filepath.FromSlash(rel)), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		q, _ := filepath.Rel(r.root, p)
		q = filepath.ToSlash(q)
		if q == "." || q == rel {
			return nil
		}
		if d.IsDir() && !r.set.WantDir(q) {
			if r.set.Matches(q, true) {
				r.entries[q] = true
			}
			return filepath.SkipDir
		}
		if r.set.Matches(q, d.IsDir()) {
			r.entries[q] = d.IsDir()
		}
		return nil
	})
}

func (r *replica) apply(c Change) {
	switch c.Kind {
	case Create, Write, Chmod:
		if isDir, ok := r.stat(c.Path); ok {
			r.entries[c.Path] = isDir
		}
	case Remove:
		r.drop(c.Path)
	case Rename:
		if _, had := r.entries[c.OldPath]; !had {
			// The Create was read too late to find the old name: mirror
			// the new one instead.
			r.drop(c.Path)
			r.load(c.Path)
			return
		}
		moved := map[string]bool{}
		for p, d := range r.entries {
			if p == c.OldPath || strings.HasPrefix(p, c.OldPath+"/") {
				moved[c.Path+strings.TrimPrefix(p, c.OldPath)] = d
				delete(r.entries, p)
			}
		}
		r.drop(c.Path)
		for p, d := range moved {
			r.entries[p] = d
		}
	case Rescan:
		r.drop(c.Path)
		r.load(c.Path)
	}
}

// truth is what a full mirror of the set would hold now.
func truth(root string, set *repset.Set) map[string]bool {
	r := &replica{root: root, set: set, entries: map[string]bool{}}
	r.load("")
	return r.entries
}

func diff(got, want map[string]bool) string {
	var out []string
	for p, d := range want {
		if g, ok := got[p]; !ok || g != d {
			out = append(out, fmt.Sprintf("missing %s (dir=%v)", p, d))
		}
	}
	for p, d := range got {
		if _, ok := want[p]; !ok {
			out = append(out, fmt.Sprintf("extra %s (dir=%v)", p, d))
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// TestRapidSequencesReconstructable runs bursts of creates, renames
// (within, out of and into the set), writes and deletes without pause, and
// checks that replaying the records yields the final tree.
func TestRapidSequencesReconstructable(t *testing.T) {
	eachMethod(t, func(t *testing.T, m Method) { rapidSequences(t, m) })
}

func rapidSequences(t *testing.T, m Method) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			outside := t.TempDir()
			h := newHarness(t, Options{Method: m}, true, inc(""), exc("**/*.tmp"))
			rng := rand.New(rand.NewPCG(seed, 99))
			names := []string{"a", "b", "c", "d.tmp", "e"}
			randRel := func() string {
				depth := 1 + rng.IntN(3)
				parts := make([]string, depth)
				for i := range parts {
					parts[i] = names[rng.IntN(len(names))]
				}
				return filepath.Join(parts...)
			}
			for range 600 {
				p := filepath.Join(h.root, randRel())
				switch op := rng.IntN(10); {
				case op < 3:
					_ = os.WriteFile(p, []byte("x"), 0o644)
				case op < 5:
					_ = os.MkdirAll(p, 0o755)
				case op < 7:
					q := filepath.Join(h.root, randRel())
					if !strings.HasPrefix(q, p+"/") {
						_ = os.Rename(p, q)
					}
				case op < 8:
					_ = os.RemoveAll(p)
				case op < 9:
					o := filepath.Join(outside, fmt.Sprint(rng.IntN(1000)))
					_ = os.Rename(p, o)
				default:
					entries, _ := os.ReadDir(outside)
					if len(entries) > 0 {
						_ = os.Rename(filepath.Join(outside, entries[rng.IntN(len(entries))].Name()), p)
					}
				}
			}
			recs := h.sync()
			rep := &replica{root: h.root, set: h.set, entries: map[string]bool{}}
			for _, c := range recs {
				rep.apply(c)
			}
			for p := range rep.entries {
				if strings.HasPrefix(p, "sync-marker-") {
					delete(rep.entries, p)
				}
			}
			want := truth(h.root, h.set)
			for p := range want {
				if strings.HasPrefix(p, "sync-marker-") {
					delete(want, p)
				}
			}
			if d := diff(rep.entries, want); d != "" {
				t.Fatalf("replayed %d records, replica differs from the tree:\n%s\nrecords:\n%s", len(recs), d, dump(recs))
			}
			if len(want) == 0 {
				t.Fatal("the random sequence left an empty tree; the test proves nothing")
			}
		})
	}
}
