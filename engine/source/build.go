package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/dtrep/dtrep/engine/blockhash"
	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/fsinfo"
	"github.com/dtrep/dtrep/engine/wire"
)

// builder queues the ops that reproduce one path on the target. The mirror
// and replication share it (under mu) so the ops of one file are never
// interleaved and the block-sum cache always describes what was queued.
type builder struct {
	mu    sync.Mutex
	root  string
	cache *blockhash.Cache
	links *linkIndex     // inodes of files queued -> the names queued for them
	push  func(*wire.Op) // queues an op (assigns its sequence)
	buf   []byte
	// blocks recycles block buffers: a full block read becomes its op's
	// data, and once the target acknowledged the op the queue hands the
	// buffer back (recycle). Read into fresh buffers, a 256 MiB file cost
	// a third of its mirror's CPU in page faults and clearing.
	blocks    sync.Pool
	blockSize int
	lentMu    sync.Mutex
	lent      map[*byte]struct{} // blocks handed to ops and not yet back

	zeroK bool // MirrorZeroKFiles: mirror empty files
	// incompressible says whether a file's data is not worth compressing
	// (SkipCompressionFileExt, MinCompressionFileSize).
	incompressible func(rel string, size int64) bool
}

type devIno struct{ dev, ino uint64 }

// result is what one path cost and saved.
type result struct {
	ops, bytes int64 // ops queued and payload bytes in them
	skipped    int64 // bytes not sent because the target already has them
}

func (r *result) add(o result) { r.ops += o.ops; r.bytes += o.bytes; r.skipped += o.skipped }

func newBuilder(root string, cache *blockhash.Cache, push func(*wire.Op)) *builder {
	return &builder{root: root, cache: cache, links: newLinkIndex(), push: push,
		buf: make([]byte, cache.BlockSize()), blockSize: cache.BlockSize(), zeroK: true,
		incompressible: func(string, int64) bool { return false }}
}

// maxLent bounds the blocks recorded as lent: more than a mirror keeps
// queued (MirrorQueueLimit) and a replication window hold.
const maxLent = 4096

// newBlock returns a block buffer for the next read, recycled when one is
// free.
func (b *builder) newBlock() []byte {
	if p, ok := b.blocks.Get().(*[]byte); ok {
		return *p
	}
	return make([]byte, b.blockSize)
}

// lend records that the block buf became an op's data.
func (b *builder) lend(buf []byte) {
	b.lentMu.Lock()
	if b.lent == nil || len(b.lent) >= maxLent {
		// Ops dropped unacknowledged (a queue reset) never give their
		// blocks back: past the bound the record starts over and those
		// blocks are left to the collector.
		b.lent = map[*byte]struct{}{}
	}
	b.lent[&buf[0]] = struct{}{}
	b.lentMu.Unlock()
}

// recycle takes back an acknowledged op's data when it is a block this
// builder lent (queue.Opts.OnAcked): nothing refers to it any more. Data
// of any other origin (a copy, an op read back from the queue's journal)
// is left to the collector.
func (b *builder) recycle(op *wire.Op) {
	d := op.Data
	if len(d) != b.blockSize {
		return
	}
	b.lentMu.Lock()
	_, ok := b.lent[&d[0]]
	delete(b.lent, &d[0])
	b.lentMu.Unlock()
	if ok {
		op.Data = nil
		b.blocks.Put(&d)
	}
}

func (b *builder) abs(rel string) string { return filepath.Join(b.root, filepath.FromSlash(rel)) }

func (b *builder) emit(r *result, op *wire.Op) {
	b.push(op)
	r.ops++
	r.bytes += op.PayloadBytes()
}

// errVanished means the path no longer exists on the source: a later
// record (remove or rename) accounts for it.
var errVanished = errors.New("path vanished")

// syncPath queues what makes rel on the target equal to rel on the source.
// base, when haveBase, is the target's block sums for rel (from a checksum
// mirror); otherwise the cache's sums of what was last queued are used, and
// whole forces sending every block.
func (b *builder) syncPath(rel string, mirror, whole bool, base []blockhash.Sum, haveBase bool) (result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var r result
	fi, err := os.Lstat(b.abs(rel))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return r, errVanished
		}
		return r, err
	}
	switch {
	case fi.Mode().IsRegular():
		err = b.file(&r, rel, fi, mirror, whole, base, haveBase)
	case fi.IsDir():
		b.emit(&r, &wire.Op{Kind: wire.OpMkdir, Mirror: mirror, Path: rel, Mode: fsinfo.ModeBits(fi.Mode()), UID: -1, GID: -1})
		b.emit(&r, attrOp(rel, fi, mirror))
	case fi.Mode()&fs.ModeSymlink != 0:
		target, lerr := os.Readlink(b.abs(rel))
		if lerr != nil {
			return r, vanishedOr(lerr)
		}
		b.emit(&r, &wire.Op{Kind: wire.OpSymlink, Mirror: mirror, Path: rel, LinkTarget: target, UID: -1, GID: -1})
		op := attrOp(rel, fi, mirror)
		op.Mode = 0 // symlinks have no mode of their own on Linux
		b.emit(&r, op)
	default:
		// Devices, sockets and fifos are not replicated.
	}
	return r, err
}

func vanishedOr(err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return errVanished
	}
	return err
}

// file queues a regular file: a hard link when its inode was already sent
// under another path, else create (when the target has nothing to build
// on), the blocks that differ, the size, and the attributes.
func (b *builder) file(r *result, rel string, fi os.FileInfo, mirror, whole bool, base []blockhash.Sum, haveBase bool) error {
	// Every file's inode is remembered (not only those already linked):
	// a hard link made later to a file sent earlier must become a link.
	linkedTo := ""
	baseSize := int64(-1) // the size base was summed at, when known
	if in := fsinfo.Of(fi); in.HasUnixIDs {
		key := devIno{in.Dev, in.Ino}
		if in.Nlink > 1 {
			// Any name still linked to this inode will do: the one it was
			// first sent under may be gone (removed, renamed, or an older
			// inode of the same number).
			for _, other := range b.links.others(key, rel) {
				if ofi, err := os.Lstat(b.abs(other)); err == nil && os.SameFile(ofi, fi) {
					linkedTo = other
					break
				}
			}
		}
		if linkedTo != "" {
			b.emit(r, &wire.Op{Kind: wire.OpHardlink, Mirror: mirror, Path: linkedTo, NewPath: rel, UID: -1, GID: -1})
			// The change may have come through this name (a write or chmod
			// of rel): bring the shared inode up to date too, building on
			// what was last queued under the other name, which is what the
			// target's inode now holds.
			base, baseSize, haveBase = b.cache.Sums(linkedTo)
		}
		b.links.add(key, rel)
	}
	if fi.Size() == 0 && mirror && !b.zeroK && linkedTo == "" {
		return nil
	}
	f, err := openRead(b.abs(rel))
	if err != nil {
		return vanishedOr(err)
	}
	defer f.Close()

	if !haveBase && !whole && linkedTo == "" {
		base, baseSize, haveBase = b.cache.Sums(rel)
	}
	if whole {
		base, haveBase = nil, false
	}
	if !haveBase {
		b.emit(r, &wire.Op{Kind: wire.OpCreate, Mirror: mirror, Path: rel, Size: fi.Size(), Mode: fsinfo.ModeBits(fi.Mode()), UID: -1, GID: -1})
	}
	skipComp := b.incompressible(rel, fi.Size())
	bs := b.cache.BlockSize()
	sums := make([]blockhash.Sum, 0, (fi.Size()+int64(bs)-1)/int64(bs))
	var off int64
	end := sizeCheck{f: f, size: fi.Size()}
	for {
		n, rerr := end.fill(b.buf, off)
		if n > 0 {
			blk := b.buf[:n]
			sum := blockhash.Block(blk)
			i := len(sums)
			sums = append(sums, sum)
			if haveBase && i < len(base) && base[i] == sum {
				r.skipped += int64(n)
			} else {
				data, at := blk, off
				// The old last block grown by an append: when its old
				// bytes are what was sent (their sum matches), only the
				// new ones go. A file appended to in small writes would
				// otherwise resend its whole last block on every write.
				if keep := baseSize - off; haveBase && i == len(base)-1 && keep > 0 && keep < int64(n) &&
					blockhash.Block(blk[:keep]) == base[i] {
					data, at = blk[keep:], off+keep
					r.skipped += keep
				}
				// A full block read becomes the op's data as it is and
				// the next read gets a new buffer; a shorter piece is
				// copied so the op does not pin a whole block's buffer.
				if len(data) == len(b.buf) {
					b.lend(data)
					b.buf = b.newBlock()
				} else {
					data = bytes.Clone(data)
				}
				b.emit(r, &wire.Op{Kind: wire.OpWrite, Mirror: mirror, Path: rel, Offset: at, Data: data,
					UID: -1, GID: -1, Incompressible: skipComp})
			}
			off += int64(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("reading %s: %w", rel, rerr)
		}
	}
	// The size read is authoritative: the file may have changed since Lstat.
	if end.last != nil {
		fi = end.last
	} else if cur, err := f.Stat(); err == nil {
		fi = cur
	}
	b.endFile(r, rel, off, fi, mirror)
	b.cache.Put(rel, blockhash.Identify(fi), sums)
	if linkedTo != "" {
		b.cache.Put(linkedTo, blockhash.Identify(fi), sums)
	}
	return nil
}

// sizeCheck reads a file block by block and ends it without the read that
// would return nothing: once the bytes read reach the size last seen, an
// fstat (needed anyway for the attributes) says whether the file grew.
type sizeCheck struct {
	f    *os.File
	size int64       // the file's size as last seen
	last os.FileInfo // the fstat that ended the file, if one did
}

// fill reads the block at off into buf: it returns how much it read and
// io.EOF when the file ends within the block.
func (e *sizeCheck) fill(buf []byte, off int64) (int, error) {
	n := 0
	for n < len(buf) {
		if off+int64(n) >= e.size {
			fi, err := e.f.Stat()
			if err != nil {
				return n, err
			}
			if fi.Size() <= off+int64(n) {
				e.last = fi
				return n, io.EOF
			}
			e.size = fi.Size()
		}
		m, err := e.f.Read(buf[n:])
		n += m
		if err == io.EOF {
			e.size = off + int64(n)
			return n, io.EOF
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// endFile queues what follows a file's data: its length and then its
// attributes as fi, an fstat of the open file, has them.
func (b *builder) endFile(r *result, rel string, size int64, fi os.FileInfo, mirror bool) {
	b.emit(r, &wire.Op{Kind: wire.OpTruncate, Mirror: mirror, Path: rel, Size: size, UID: -1, GID: -1})
	b.emit(r, attrOp(rel, fi, mirror))
}

// attrOp sets rel's mode, ownership and times as fi has them.
func attrOp(rel string, fi os.FileInfo, mirror bool) *wire.Op {
	op := &wire.Op{Kind: wire.OpAttr, Mirror: mirror, Path: rel, Mode: fsinfo.ModeBits(fi.Mode()),
		UID: -1, GID: -1, Mtime: fi.ModTime().UnixNano()}
	if in := fsinfo.Of(fi); in.HasUnixIDs {
		op.UID, op.GID, op.Atime = in.UID, in.GID, in.Atime
	}
	return op
}

// remove queues the deletion of rel.
func (b *builder) remove(rel string, isDir bool) result {
	b.mu.Lock()
	defer b.mu.Unlock()
	var r result
	kind := wire.OpDelete
	if isDir {
		kind = wire.OpRmdir
	}
	b.emit(&r, &wire.Op{Kind: kind, Path: rel, UID: -1, GID: -1})
	b.cache.Remove(rel)
	b.links.remove(rel, isDir)
	return r
}

// rename queues a rename and carries the cached sums along.
func (b *builder) rename(from, to string) result {
	b.mu.Lock()
	defer b.mu.Unlock()
	var r result
	b.emit(&r, &wire.Op{Kind: wire.OpRename, Path: from, NewPath: to, UID: -1, GID: -1})
	b.cache.Rename(from, to)
	b.cache.RenamePrefix(from, to)
	b.links.rename(from, to)
	return r
}

// parentOf is rel's parent directory ("" for the root).
func parentOf(rel string) string {
	d := path.Dir(rel)
	if d == "." || d == "/" {
		return ""
	}
	return d
}

// syncDirAttr queues only the attributes of directory rel.
func (b *builder) syncDirAttr(rel string) (result, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	var r result
	fi, err := os.Lstat(b.abs(rel))
	if err != nil {
		return r, vanishedOr(err)
	}
	if !fi.IsDir() {
		return r, nil
	}
	b.emit(&r, attrOp(rel, fi, false))
	return r, nil
}

// syncIfChanged syncs rel unless it is a regular file whose identity (size,
// mtime, inode) is what the cache recorded when it was last queued.
func (b *builder) syncIfChanged(rel string) (result, error) {
	fi, err := os.Lstat(b.abs(rel))
	if err != nil {
		return result{}, vanishedOr(err)
	}
	if fi.Mode().IsRegular() {
		if _, ok := b.cache.Lookup(rel, blockhash.Identify(fi)); ok {
			return result{}, nil
		}
	}
	return b.syncPath(rel, false, false, nil, false)
}

// compressionPolicy builds the incompressible test from the settings,
// read at each call so a changed setting applies at once.
func compressionPolicy(st Settings) func(rel string, size int64) bool {
	return func(rel string, size int64) bool {
		if size < st.Int(catalog.SettingMinCompressionFileSize) {
			return true
		}
		ext := strings.TrimPrefix(strings.ToLower(path.Ext(rel)), ".")
		if ext == "" {
			return false
		}
		for _, e := range strings.Split(strings.ToLower(st.String(catalog.SettingSkipCompressionFileExt)), ".") {
			if e == ext {
				return true
			}
		}
		return false
	}
}
