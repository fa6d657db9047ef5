//go:build !linux

package apply

import "testing"

// atimeOf is -1 where os.FileInfo exposes no access time portably.
func atimeOf(testing.TB, string) int64 { return -1 }
