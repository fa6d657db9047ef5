//go:build !unix

package target

// oNoFollow is 0 where open has no such flag; os.Root still keeps the
// open beneath the target path.
const oNoFollow = 0
