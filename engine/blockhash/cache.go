package blockhash

import (
	"container/list"
	"sync"
)

// entryOverhead approximates what an entry costs besides its path and sums
// (list element, map slot, header fields), so a cache of many tiny files is
// bounded as honestly as one of few big files.
const entryOverhead = 128

// Cache holds per-file block sums keyed by path and checked against the
// file's identity (size, mtime, inode). It is bounded by an estimate of its
// memory use and forgets the least recently used files first. The source
// keeps the sums of what the target last acknowledged, so after a change it
// can send only the blocks whose sums differ. Safe for concurrent use.
type Cache struct {
	blockSize int
	maxBytes  int64

	mu    sync.Mutex
	bytes int64
	lru   *list.List // front is most recently used; values are *entry
	byKey map[string]*list.Element
}

type entry struct {
	path string
	id   FileID
	sums []Sum
}

func (e *entry) cost() int64 { return entryOverhead + int64(len(e.path)) + int64(len(e.sums))*Size }

// NewCache returns an empty cache for sums of blockSize-byte blocks using
// at most about maxBytes of memory.
func NewCache(blockSize int, maxBytes int64) *Cache {
	return &Cache{blockSize: blockSize, maxBytes: maxBytes, lru: list.New(), byKey: map[string]*list.Element{}}
}

// BlockSize is the block size every sum in the cache covers.
func (c *Cache) BlockSize() int { return c.blockSize }

// Lookup returns path's sums if the cache holds them for exactly this
// identity, meaning the file is unchanged since they were taken. The slice
// belongs to the cache: do not modify it.
func (c *Cache) Lookup(path string, id FileID) ([]Sum, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[path]
	if !ok {
		return nil, false
	}
	e := el.Value.(*entry)
	if e.id != id {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return e.sums, true
}

// Put records sums for path at identity id, replacing what was there. The
// cache keeps sums as given. An entry larger than the whole cache is not
// stored (and any older entry for path is dropped, since it is stale).
func (c *Cache) Put(path string, id FileID, sums []Sum) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(path)
	e := &entry{path: path, id: id, sums: sums}
	if e.cost() > c.maxBytes {
		return
	}
	c.byKey[path] = c.lru.PushFront(e)
	c.bytes += e.cost()
	for c.bytes > c.maxBytes {
		c.removeLocked(c.lru.Back().Value.(*entry).path)
	}
}

// Changed returns, in increasing order, the indices of the blocks of
// newSums that differ from the sums cached for path, whatever identity they
// were stored under. Blocks beyond the cached length count as changed;
// with nothing cached every block is changed. A file that shrank has no
// index for its lost tail: the new size says that.
func (c *Cache) Changed(path string, newSums []Sum) []int {
	c.mu.Lock()
	var old []Sum
	if el, ok := c.byKey[path]; ok {
		old = el.Value.(*entry).sums
		c.lru.MoveToFront(el)
	}
	c.mu.Unlock()

	var idx []int
	for i, s := range newSums {
		if i >= len(old) || old[i] != s {
			idx = append(idx, i)
		}
	}
	return idx
}

// Remove forgets path, for instance after the target failed to apply what
// was sent for it.
func (c *Cache) Remove(path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(path)
}

// Rename moves oldPath's sums to newPath: a rename on the source changes
// neither content nor (on the same file system) inode, size or mtime.
func (c *Cache) Rename(oldPath, newPath string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[oldPath]
	if !ok {
		c.removeLocked(newPath)
		return
	}
	e := el.Value.(*entry)
	c.removeLocked(oldPath)
	c.removeLocked(newPath)
	e.path = newPath
	c.byKey[newPath] = c.lru.PushFront(e)
	c.bytes += e.cost()
	for c.bytes > c.maxBytes {
		c.removeLocked(c.lru.Back().Value.(*entry).path)
	}
}

func (c *Cache) removeLocked(path string) {
	el, ok := c.byKey[path]
	if !ok {
		return
	}
	c.lru.Remove(el)
	delete(c.byKey, path)
	c.bytes -= el.Value.(*entry).cost()
}

// Len is the number of files cached.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}

// Bytes is the cache's estimated memory use.
func (c *Cache) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes
}
