package blockhash

import "fmt"

// Delta is what a file's current content means for the target: which
// blocks to send. It is computed by Diff and recorded by Commit once the
// target has acknowledged those blocks, so a failed transfer is retried in
// full next time instead of being forgotten.
type Delta struct {
	ID      FileID // identity taken before hashing
	Size    int64  // bytes hashed
	Sums    []Sum  // the file's block sums now
	Changed []int  // indices of the blocks to send
	// Unchanged is set when the identity matched the cache: the file was
	// not read and Changed is empty.
	Unchanged bool
}

// Diff compares the file at path with what the cache says the target has.
func (c *Cache) Diff(path string) (Delta, error) {
	id, err := IdentifyPath(path)
	if err != nil {
		return Delta{}, err
	}
	if sums, ok := c.Lookup(path, id); ok {
		return Delta{ID: id, Size: id.Size, Sums: sums, Unchanged: true}, nil
	}
	sums, n, err := HashFile(path, c.blockSize)
	if err != nil {
		return Delta{}, fmt.Errorf("diff: %w", err)
	}
	return Delta{ID: id, Size: n, Sums: sums, Changed: c.Changed(path, sums)}, nil
}

// Commit records d as what the target now holds for path.
func (c *Cache) Commit(path string, d Delta) {
	c.Put(path, d.ID, d.Sums)
}
