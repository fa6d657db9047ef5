package target

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/dtrep/dtrep/engine/wire"
)

// maxListEntries bounds one ListReply.
const maxListEntries = 4096

// local maps a wire path to a path under root, refusing anything that could
// leave it through the path's parents; deletions that keep or remove files
// (moved.go, orphans.go) then work on names that never follow a final
// symlink.
func local(root, rel string) (string, error) {
	if rel == "" {
		return root, nil
	}
	if strings.IndexByte(rel, 0) >= 0 || strings.HasPrefix(rel, "/") || path.Clean(rel) != rel ||
		rel == ".." || strings.HasPrefix(rel, "../") {
		return "", catalog.Err(catalog.CodeInvalidParameter, "path %q leaves the target path", rel)
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	// A symlink among the parents could point outside the root.
	dir := filepath.Dir(p)
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		rr, _ := filepath.EvalSymlinks(root)
		if rr == "" {
			rr = root
		}
		if real != rr && !strings.HasPrefix(real, rr+string(filepath.Separator)) {
			return "", catalog.Err(catalog.CodeInvalidParameter, "path %q leaves the target path", rel)
		}
	}
	return p, nil
}

// queryPath checks a wire path a query names and returns it as a name
// under the session's root ("." for the root itself). The root (an
// os.Root on the target path) confines every lookup beneath it, through
// symlinked parents too; queryPath only refuses early, with a clear
// reason, the paths that could never stay beneath it.
func queryPath(rel string) (string, error) {
	if rel == "" {
		return ".", nil
	}
	if strings.IndexByte(rel, 0) >= 0 || strings.HasPrefix(rel, "/") || path.Clean(rel) != rel ||
		rel == ".." || strings.HasPrefix(rel, "../") {
		return "", catalog.Err(catalog.CodeInvalidParameter, "path %q leaves the target path", rel)
	}
	return filepath.FromSlash(rel), nil
}

// lstat looks rel up beneath root without following a final symlink. A
// name that does not exist is (nil, nil); a path that would resolve
// outside the root is refused with 101.
func lstat(root *os.Root, rel string) (string, fs.FileInfo, error) {
	name, err := queryPath(rel)
	if err != nil {
		return "", nil, err
	}
	fi, err := root.Lstat(name)
	switch {
	case err == nil:
		return name, fi, nil
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR):
		return name, nil, nil
	}
	return "", nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "path %q", rel)
}

func stat(root *os.Root, rel string) wire.StatEntry {
	name, fi, err := lstat(root, rel)
	if err != nil || fi == nil {
		return wire.StatEntry{}
	}
	e := wire.StatEntry{Exists: true, Size: fi.Size(), Mode: fsinfo.ModeBits(fi.Mode()), UID: -1, GID: -1,
		Mtime: fi.ModTime().UnixNano()}
	switch {
	case fi.Mode().IsRegular():
		e.Type = wire.FileRegular
	case fi.IsDir():
		e.Type = wire.FileDir
	case fi.Mode()&fs.ModeSymlink != 0:
		e.Type = wire.FileSymlink
		e.LinkTarget, _ = root.Readlink(name)
	default:
		e.Type = wire.FileOther
	}
	if in := fsinfo.Of(fi); in.HasUnixIDs {
		e.UID, e.GID = in.UID, in.GID
	}
	return e
}

// openAs opens rel beneath root when it is, itself, of the kind want
// accepts; a final symlink is never followed, whatever it points to. It
// returns a nil file (and no error) when rel does not exist or is of
// another kind, which queries report as "does not exist".
func openAs(root *os.Root, rel string, want func(fs.FileMode) bool) (*os.File, os.FileInfo, error) {
	name, fi, err := lstat(root, rel)
	if err != nil || fi == nil || !want(fi.Mode()) {
		return nil, nil, err
	}
	f, err := root.OpenFile(name, os.O_RDONLY|oNoFollow, 0)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil
		}
		return nil, nil, catalog.Wrap(catalog.CodeInvalidParameter, err, "path %q", rel)
	}
	// The name may have been replaced since the Lstat: judge what was opened.
	fi, err = f.Stat()
	if err != nil || !want(fi.Mode()) {
		f.Close()
		return nil, nil, nil
	}
	return f, fi, nil
}

// openRegular opens the regular file rel beneath root for reading (see
// openAs).
func openRegular(root *os.Root, rel string) (*os.File, os.FileInfo, error) {
	return openAs(root, rel, fs.FileMode.IsRegular)
}

func hashReply(root *os.Root, req *wire.HashRequest) (*wire.HashReply, error) {
	rep := &wire.HashReply{ReqID: req.ReqID, Algo: wire.HashXXH3x128, First: req.First}
	if req.BlockSize == 0 {
		return nil, catalog.Err(catalog.CodeInvalidParameter, "hash request with block size 0")
	}
	f, fi, err := openRegular(root, req.Path)
	if err != nil || f == nil {
		return rep, err
	}
	defer f.Close()
	rep.Exists, rep.Size = true, fi.Size()
	bs := int64(req.BlockSize)
	off := int64(req.First) * bs
	if off >= fi.Size() {
		return rep, nil
	}
	n := min(int64(req.Count)*bs, fi.Size()-off)
	sums, err := blockhash.HashRange(f, off, n, int(bs))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("hash %s: %w", req.Path, err)
	}
	rep.Hashes = make([]wire.BlockHash, len(sums))
	for i, s := range sums {
		rep.Hashes[i] = wire.BlockHash(s)
	}
	return rep, nil
}

func listReply(root *os.Root, req *wire.ListRequest) (*wire.ListReply, error) {
	d, _, err := openAs(root, req.Path, fs.FileMode.IsDir)
	if err != nil {
		return nil, err
	}
	var ents []fs.DirEntry
	if d != nil {
		ents, err = d.ReadDir(-1)
		d.Close()
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", req.Path, err)
		}
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	limit := int(req.Limit)
	if limit <= 0 || limit > maxListEntries {
		limit = maxListEntries
	}
	rep := &wire.ListReply{ReqID: req.ReqID}
	for _, e := range ents {
		if e.Name() <= req.After && req.After != "" {
			continue
		}
		if len(rep.Entries) == limit {
			rep.More = true
			break
		}
		t := wire.FileOther
		switch {
		case e.Type().IsRegular():
			t = wire.FileRegular
		case e.IsDir():
			t = wire.FileDir
		case e.Type()&fs.ModeSymlink != 0:
			t = wire.FileSymlink
		}
		rep.Entries = append(rep.Entries, wire.DirEntry{Name: e.Name(), Type: t})
	}
	return rep, nil
}
