//go:build !linux

package target

import "os"

// openBase returns the target path itself: blocking exists only on Linux,
// so nothing ever hides the path from the session.
func openBase(targetPath string) (*os.File, string, error) { return nil, targetPath, nil }
