package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// newFileMode is the mode of a configuration file Set creates: it may hold
// secrets (ConnectionSecret, ManagementToken).
const newFileMode fs.FileMode = 0o600

// writeAtomic replaces path with data so that a crash leaves the old file or
// the new one: the data goes to a temporary file in the same directory
// (rename is atomic only within a filesystem), is synced, renamed over path,
// and the directory is synced so the rename itself is durable. An existing
// file's mode is kept.
func writeAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("config dir: %w", err)
	}
	mode := newFileMode
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("config: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("config temp: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("config write: %w", err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("config chmod: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("config sync: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("config close: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("config rename: %w", err)
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("config dir sync: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("config dir sync: %w", err)
	}
	return nil
}
