package blockhash

// Sums returns the sums the cache holds for path whatever the file's
// identity now is: the source compares them block by block with what it
// reads, so it sends exactly the blocks that differ from what it last sent.
// The slice belongs to the cache: do not modify it.
func (c *Cache) Sums(path string) ([]Sum, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[path]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(el)
	return el.Value.(*entry).sums, true
}
