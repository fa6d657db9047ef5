package target

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// preserve keeps a copy of src (a file, or a directory tree) at dst before
// the applier removes src: a hard link where the file systems allow it, a
// copy otherwise. An existing dst is kept too: the new copy gets a
// timestamp suffix. It returns where the copy went.
func preserve(src, dst string) (string, error) {
	if _, err := os.Lstat(dst); err == nil {
		dst = fmt.Sprintf("%s.%s", dst, time.Now().Format("20060102-150405.000000000"))
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", fmt.Errorf("preserving %s: %w", src, err)
	}
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.MkdirAll(to, fi.Mode().Perm()|0o700)
		case d.Type()&fs.ModeSymlink != 0:
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(t, to)
		case d.Type().IsRegular():
			return linkOrCopy(p, to, fi)
		}
		return nil // devices, sockets, fifos: nothing worth keeping
	})
	if err != nil {
		return "", fmt.Errorf("preserving %s: %w", src, err)
	}
	return dst, nil
}

func linkOrCopy(from, to string, fi os.FileInfo) error {
	if err := os.Link(from, to); err == nil {
		return nil
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := errors.Join(out.Sync(), out.Close()); err != nil {
		return err
	}
	return os.Chtimes(to, fi.ModTime(), fi.ModTime())
}
