package blockhash

// Sums returns the sums the cache holds for path whatever the file's
// identity now is, and the size recorded with them: the source compares
// them block by block with what it reads, so it sends exactly the blocks
// that differ from what it last sent (and of a last block that grew, only
// the new bytes). The slice belongs to the cache: do not modify it.
func (c *Cache) Sums(path string) ([]Sum, int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[path]
	if !ok {
		return nil, 0, false
	}
	c.lru.MoveToFront(el)
	e := el.Value.(*entry)
	return e.sums, e.id.Size, true
}

// RenamePrefix moves the sums of every path under the directory from to the
// same place under to, as a directory rename does. It walks the whole
// cache: directory renames are rare next to writes.
func (c *Cache) RenamePrefix(from, to string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prefix := from + "/"
	for p, el := range c.byKey {
		if len(p) <= len(prefix) || p[:len(prefix)] != prefix {
			continue
		}
		np := to + "/" + p[len(prefix):]
		if old, ok := c.byKey[np]; ok && old != el {
			c.lru.Remove(old)
			c.bytes -= old.Value.(*entry).cost()
			delete(c.byKey, np)
		}
		e := el.Value.(*entry)
		c.bytes -= e.cost()
		e.path = np
		c.bytes += e.cost()
		delete(c.byKey, p)
		c.byKey[np] = el
	}
}
