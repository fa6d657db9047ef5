//go:build unix

package target

import "syscall"

// oNoFollow keeps a query's open from following a final symlink swapped in
// after its Lstat.
const oNoFollow = syscall.O_NOFOLLOW
