package repset

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Calculate walks the protected entries under the root and counts files,
// directories and bytes (regular files only; a file with several hard links
// is counted once in Bytes, once per name in Files). The result is also
// recorded as the set's Size. It stops with ctx's error when ctx is done.
//
// Entries that vanish during the walk are skipped; any other file-system
// error ends the calculation, because a silently short total would mislead
// the mirror estimate it feeds (CalculateOnConnect).
func (s *Set) Calculate(ctx context.Context) (Size, error) {
	if err := s.CheckRoot(); err != nil {
		return Size{}, err
	}
	var (
		z     Size
		links = map[fileID]struct{}{}
		stack = []string{""}
	)
	for len(stack) > 0 {
		if err := ctx.Err(); err != nil {
			return Size{}, fmt.Errorf("calculating %q: %w", s.name, err)
		}
		dir := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		entries, err := ReadDir(filepath.Join(s.root, filepath.FromSlash(dir)))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && dir != "" {
				continue
			}
			return Size{}, fmt.Errorf("calculating %q: %w", s.name, err)
		}
		for i, e := range entries {
			if i%4096 == 4095 && ctx.Err() != nil {
				return Size{}, fmt.Errorf("calculating %q: %w", s.name, ctx.Err())
			}
			rel := joinRel(dir, e.Name())
			if e.IsDir() {
				if s.Matches(rel, true) {
					z.Dirs++
				}
				if s.WantDir(rel) {
					stack = append(stack, rel)
				}
				continue
			}
			if !s.Matches(rel, false) {
				continue
			}
			z.Files++
			if !e.Type().IsRegular() {
				continue
			}
			info, err := e.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					z.Files--
					continue
				}
				return Size{}, fmt.Errorf("calculating %q: %w", s.name, err)
			}
			if id, ok := hardLinkID(info); ok {
				if _, seen := links[id]; seen {
					continue
				}
				links[id] = struct{}{}
			}
			z.Bytes += info.Size()
		}
	}
	z.LastCalculated = time.Now()
	s.SetSize(z)
	return z, nil
}

// ReadDir lists a directory in directory order: sorting, which os.ReadDir
// does, is wasted work for a count or a walk.
func ReadDir(dir string) ([]os.DirEntry, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

func joinRel(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

// fileID identifies a file across its hard links.
type fileID struct{ dev, ino uint64 }
