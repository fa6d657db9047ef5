//go:build !linux

package source

import "os"

// openRead opens a file for reading.
func openRead(name string) (*os.File, error) { return os.Open(name) }
