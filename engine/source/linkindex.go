package source

import (
	"errors"
	"os"
	"strings"

	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/dtrep/dtrep/engine/wire"
)

// linkIndex remembers every name queued for each inode, so a new hard link
// to a file already sent becomes a link on the target even after the name
// it was first sent under was removed or renamed: any surviving name will
// do. Names leave the index with the removals and renames queued for them.
//
// Every file queued is in it, so it is kept small: most inodes have one
// name, held as a string in first; only the names after it go in a slice
// of more (a slice per inode cost ~80 bytes per file at a million files).
type linkIndex struct {
	first map[devIno]string   // inode -> its oldest name queued
	more  map[devIno][]string // inode -> its later names, oldest first (inodes with several names)
	inode map[string]devIno   // name -> inode
}

func newLinkIndex() *linkIndex {
	return &linkIndex{first: map[devIno]string{}, more: map[devIno][]string{}, inode: map[string]devIno{}}
}

// add records rel as a name of key (moving it from another inode the name
// belonged to before).
func (x *linkIndex) add(key devIno, rel string) {
	if old, ok := x.inode[rel]; ok {
		if old == key {
			return
		}
		x.drop(old, rel)
	}
	x.inode[rel] = key
	if _, ok := x.first[key]; !ok {
		x.first[key] = rel
		return
	}
	x.more[key] = append(x.more[key], rel)
}

// others lists key's names other than rel, most recent first.
func (x *linkIndex) others(key devIno, rel string) []string {
	first, ok := x.first[key]
	if !ok {
		return nil
	}
	more := x.more[key]
	out := make([]string, 0, len(more)+1)
	for i := len(more) - 1; i >= 0; i-- {
		if more[i] != rel {
			out = append(out, more[i])
		}
	}
	if first != rel {
		out = append(out, first)
	}
	return out
}

func (x *linkIndex) drop(key devIno, rel string) {
	delete(x.inode, rel)
	more := x.more[key]
	if x.first[key] == rel {
		if len(more) == 0 {
			delete(x.first, key)
			return
		}
		x.first[key], more = more[0], more[1:]
	} else {
		for i, n := range more {
			if n == rel {
				more = append(more[:i], more[i+1:]...)
				break
			}
		}
	}
	if len(more) == 0 {
		delete(x.more, key)
	} else {
		x.more[key] = more
	}
}

// remove forgets rel and, when it is a directory, every name under it.
func (x *linkIndex) remove(rel string, isDir bool) {
	if key, ok := x.inode[rel]; ok {
		x.drop(key, rel)
	}
	if !isDir {
		return
	}
	prefix := rel + "/"
	for n, key := range x.inode {
		if strings.HasPrefix(n, prefix) {
			x.drop(key, n)
		}
	}
}

// rename moves the names at and under from to to; whatever to named before
// is gone (a rename replaces its destination).
func (x *linkIndex) rename(from, to string) {
	x.remove(to, true)
	type move struct {
		key      devIno
		old, new string
	}
	var moves []move
	prefix := from + "/"
	for n, key := range x.inode {
		switch {
		case n == from:
			moves = append(moves, move{key, n, to})
		case strings.HasPrefix(n, prefix):
			moves = append(moves, move{key, n, to + n[len(from):]})
		}
	}
	for _, m := range moves {
		x.drop(m.key, m.old)
	}
	for _, m := range moves {
		x.add(m.key, m.new)
	}
}

// errChanged says a file changed between a mirror's look at it and the
// builder's.
var errChanged = errors.New("changed since the mirror read it")

// keepSame handles a file a difference mirror found equal in size and time
// on the target (t): it is not sent, but it is recorded as a name of its
// inode, names of that inode sent before (perhaps as copies, when this name
// was not known yet) are linked to it again on the target, and its mode is
// sent when the target's differs. The file is read again under the
// builder's lock, as replication reads it: what the mirror read before may
// be older than an op replication has queued since (a chmod, a rename over
// it), and must not be sent after it. errChanged: the file no longer
// matches t; the caller sends it whole.
func (b *builder) keepSame(rel string, t wire.StatEntry) (result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var r result
	fi, err := os.Lstat(b.abs(rel))
	if err != nil {
		return r, vanishedOr(err)
	}
	if !fi.Mode().IsRegular() || fi.Size() != t.Size || fi.ModTime().UnixNano() != t.Mtime {
		return r, errChanged
	}
	if in := fsinfo.Of(fi); in.HasUnixIDs {
		key := devIno{in.Dev, in.Ino}
		if in.Nlink > 1 {
			for _, other := range b.links.others(key, rel) {
				if ofi, err := os.Lstat(b.abs(other)); err == nil && os.SameFile(ofi, fi) {
					b.emit(&r, &wire.Op{Kind: wire.OpHardlink, Mirror: true, Path: rel, NewPath: other, UID: -1, GID: -1})
				}
			}
		}
		b.links.add(key, rel)
	}
	r.skipped = fi.Size()
	if t.Mode != fsinfo.ModeBits(fi.Mode()) {
		b.emit(&r, attrOp(rel, fi, true))
	}
	return r, nil
}
