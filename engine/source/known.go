package source

import (
	"fmt"
	"os"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/dtrep/dtrep/engine/wire"
)

// localSums are the source's block sums of a file and the identity it had
// before they were taken. A checksum mirror takes them while the target
// computes its own (mirror.file): asked one after the other, the two sides
// hashed the file in turn, and the source then read it all again.
type localSums struct {
	id   blockhash.FileID
	sums []blockhash.Sum
	err  error
}

func hashLocal(path string, blockSize int) localSums {
	fi, err := os.Lstat(path)
	if err != nil {
		return localSums{err: err}
	}
	sums, _, err := blockhash.HashFile(path, blockSize)
	return localSums{id: blockhash.Identify(fi), sums: sums, err: err}
}

// syncKnown is syncPath for a checksum mirror with the source's sums in
// hand: when the file still has the identity it had when they were taken,
// only the blocks whose sums differ from the target's (base) are read and
// sent. A file that changed since, or has other names (whose links
// syncPath keeps), goes through syncPath.
func (b *builder) syncKnown(rel string, base []blockhash.Sum, local localSums) (result, error) {
	b.mu.Lock()
	fi, err := os.Lstat(b.abs(rel))
	var in fsinfo.Info
	if err == nil {
		in = fsinfo.Of(fi)
	}
	if err != nil || local.err != nil || !fi.Mode().IsRegular() || blockhash.Identify(fi) != local.id ||
		!in.HasUnixIDs || in.Nlink > 1 {
		b.mu.Unlock()
		return b.syncPath(rel, true, false, base, true)
	}
	defer b.mu.Unlock()
	b.links.add(devIno{in.Dev, in.Ino}, rel)
	var r result
	f, err := openRead(b.abs(rel))
	if err != nil {
		return r, vanishedOr(err)
	}
	defer f.Close()
	size := fi.Size()
	bs := int64(b.cache.BlockSize())
	skipComp := b.incompressible(rel, size)
	for i, sum := range local.sums {
		off := int64(i) * bs
		n := min(bs, size-off)
		if i < len(base) && base[i] == sum {
			r.skipped += n
			continue
		}
		data := make([]byte, n)
		if _, err := f.ReadAt(data, off); err != nil {
			return r, fmt.Errorf("reading %s: %w", rel, err)
		}
		b.emit(&r, &wire.Op{Kind: wire.OpWrite, Mirror: true, Path: rel, Offset: off, Data: data,
			UID: -1, GID: -1, Incompressible: skipComp})
	}
	if cur, err := f.Stat(); err == nil {
		fi = cur
	}
	b.endFile(&r, rel, size, fi, true)
	b.cache.Put(rel, local.id, local.sums)
	return r, nil
}
