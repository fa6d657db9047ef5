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

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/dtrep/dtrep/engine/wire"
)

// maxListEntries bounds one ListReply.
const maxListEntries = 4096

// local maps a wire path to a path under root, refusing anything that could
// leave it. Queries only read, but they must not tell a source about files
// outside its target path either.
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

func stat(root, rel string) wire.StatEntry {
	p, err := local(root, rel)
	if err != nil {
		return wire.StatEntry{}
	}
	fi, err := os.Lstat(p)
	if err != nil {
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
		e.LinkTarget, _ = os.Readlink(p)
	default:
		e.Type = wire.FileOther
	}
	if in := fsinfo.Of(fi); in.HasUnixIDs {
		e.UID, e.GID = in.UID, in.GID
	}
	return e
}

// openRegular opens the regular file rel under root for reading; it returns
// a nil file (and no error) when rel does not exist or is not a regular
// file, which queries report as "does not exist".
func openRegular(root, rel string) (*os.File, os.FileInfo, error) {
	p, err := local(root, rel)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil
		}
		return nil, nil, fmt.Errorf("%s: %w", rel, err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, nil
	}
	return f, fi, nil
}

func hashReply(root string, req *wire.HashRequest) (*wire.HashReply, error) {
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

func listReply(root string, req *wire.ListRequest) (*wire.ListReply, error) {
	p, err := local(root, req.Path)
	if err != nil {
		return nil, err
	}
	ents, err := os.ReadDir(p)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("list %s: %w", req.Path, err)
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
