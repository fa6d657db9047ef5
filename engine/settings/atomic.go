package settings

import (
	"fmt"
	"io/fs"

	"github.com/dtrep/dtrep/internal/atomicfile"
)

// newFileMode is the mode of a configuration file Set creates: it may hold
// secrets (ConnectionSecret, ManagementToken).
const newFileMode fs.FileMode = 0o600

// writeAtomic replaces the configuration file at path so that a crash
// leaves the old file or the new one; an existing file's mode is kept.
func writeAtomic(path string, data []byte) error {
	if err := atomicfile.WriteFile(path, data, newFileMode); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}
