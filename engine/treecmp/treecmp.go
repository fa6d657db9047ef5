//go:build linux

package treecmp

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
)

// Compare returns "" when b is a replica of a: same paths, types,
// permission bits, sizes, contents, mtimes (nanoseconds; directories too),
// link targets, and the same hard-link grouping. Otherwise it names the
// first difference.
func Compare(a, b string) string {
	ea, err := scanTree(a)
	if err != nil {
		return err.Error()
	}
	eb, err := scanTree(b)
	if err != nil {
		return err.Error()
	}
	var names []string
	for n := range ea {
		names = append(names, n)
	}
	for n := range eb {
		if _, ok := ea[n]; !ok {
			return fmt.Sprintf("%s: only on the target", n)
		}
	}
	sort.Strings(names)
	groupsA, groupsB := map[uint64]string{}, map[uint64]string{}
	for _, n := range names {
		x, y := ea[n], eb[n]
		if y == nil {
			return fmt.Sprintf("%s: missing on the target", n)
		}
		switch {
		case x.mode.Type() != y.mode.Type():
			return fmt.Sprintf("%s: type %v vs %v", n, x.mode.Type(), y.mode.Type())
		case x.mode&fs.ModeSymlink == 0 && x.mode.Perm() != y.mode.Perm():
			return fmt.Sprintf("%s: mode %v vs %v", n, x.mode, y.mode)
		case x.size != y.size && !x.mode.IsDir():
			return fmt.Sprintf("%s: size %d vs %d", n, x.size, y.size)
		case x.link != y.link:
			return fmt.Sprintf("%s: link %q vs %q", n, x.link, y.link)
		case x.mtime != y.mtime:
			return fmt.Sprintf("%s: mtime %d vs %d", n, x.mtime, y.mtime)
		}
		if x.mode.IsRegular() {
			ca, _ := os.ReadFile(filepath.Join(a, n))
			cb, _ := os.ReadFile(filepath.Join(b, n))
			if !bytes.Equal(ca, cb) {
				return fmt.Sprintf("%s: contents differ", n)
			}
			if x.nlink > 1 || y.nlink > 1 {
				if x.nlink != y.nlink {
					return fmt.Sprintf("%s: %d links vs %d", n, x.nlink, y.nlink)
				}
				fa, oka := groupsA[x.ino]
				fb, okb := groupsB[y.ino]
				if oka != okb || fa != fb {
					return fmt.Sprintf("%s: hard-link grouping differs", n)
				}
				groupsA[x.ino], groupsB[y.ino] = n, n
				if oka {
					groupsA[x.ino], groupsB[y.ino] = fa, fb
				}
			}
		}
	}
	return ""
}

type treeEntry struct {
	mode  fs.FileMode
	size  int64
	mtime int64
	link  string
	ino   uint64
	nlink uint64
}

func scanTree(root string) (map[string]*treeEntry, error) {
	out := map[string]*treeEntry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == root {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		e := &treeEntry{mode: fi.Mode(), size: fi.Size(), mtime: fi.ModTime().UnixNano()}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			e.ino, e.nlink = st.Ino, uint64(st.Nlink)
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			e.link, _ = os.Readlink(p)
		}
		out[filepath.ToSlash(rel)] = e
		return nil
	})
	return out, err
}
