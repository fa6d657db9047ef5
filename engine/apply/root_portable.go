//go:build !linux || dtrep_portable

package apply

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// releaseFirst is true here: Windows refuses to rename or delete a file
// with an open handle, so handles are closed before the change.
const releaseFirst = true

// inTreeSymlinks is false: without openat2 a symlinked parent cannot be
// resolved safely, so every one is refused.
const inTreeSymlinks = false

// symlinkTimes is false: Go has no portable lutimes.
const symlinkTimes = false

// root is the portable fallback (also built on Linux with the
// dtrep_portable tag, so its tests run there): paths are joined to the target path and
// every parent component is checked with Lstat, refusing symlinks. Unlike
// the Linux implementation it is racy against someone swapping a parent
// for a symlink between the check and the use.
type root struct {
	path    string
	notRoot bool
	dirty   map[string]bool // parent directories (relative) whose entries changed
}

func openRoot(path string) (*root, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("target path: %w", err)
	}
	return &root{path: path, notRoot: os.Geteuid() != 0, dirty: map[string]bool{}}, nil
}

func (r *root) close() error { return nil }

func (r *root) full(rel string) string { return filepath.Join(r.path, filepath.FromSlash(rel)) }

// check refuses rel if it is not local on this OS (drive letters, reserved
// device names, alternate data streams on Windows) or a parent component
// is a symlink. Missing components are left for the operation to report.
func (r *root) check(rel string) error {
	if !filepath.IsLocal(filepath.FromSlash(rel)) ||
		(runtime.GOOS == "windows" && strings.ContainsAny(rel, `\:`)) {
		return unsafePath(rel, "not a local path on this system")
	}
	dir, _ := split(rel)
	if dir == "" {
		return nil
	}
	p := r.path
	for _, comp := range strings.Split(dir, "/") {
		p = filepath.Join(p, comp)
		fi, err := os.Lstat(p)
		if err != nil {
			return nil
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return unsafePath(rel, "symlinked parent")
		}
	}
	return nil
}

func (r *root) markDirty(rel string) {
	dir, _ := split(rel)
	r.dirty[dir] = true
}

func (r *root) create(rel string, mode uint32) (*handle, error) {
	if err := r.check(rel); err != nil {
		return nil, err
	}
	p := r.full(rel)
	if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if err := os.Remove(p); err != nil {
			return nil, err
		}
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fileMode(perm(mode, 0o644)))
	if err != nil {
		return nil, err
	}
	r.markDirty(rel)
	if err := f.Chmod(fileMode(perm(mode, 0o644))); err != nil && runtime.GOOS != "windows" {
		f.Close()
		return nil, err
	}
	return &handle{key: rel, f: f}, nil
}

func (r *root) openWrite(rel string) (*handle, error) {
	if err := r.check(rel); err != nil {
		return nil, err
	}
	p := r.full(rel)
	fi, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: rel, Err: errNotRegular}
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	return &handle{key: rel, f: f}, nil
}

func (r *root) allocate(*handle, int64) error { return nil }

func (r *root) rename(from, to string) error {
	if err := errors.Join(r.check(from), r.check(to)); err != nil {
		return err
	}
	err := os.Rename(r.full(from), r.full(to))
	if err != nil {
		if _, lerr := os.Lstat(r.full(from)); lerr != nil {
			return err
		}
		if _, lerr := os.Lstat(r.full(to)); lerr != nil {
			return err
		}
		// The destination is in the way; the source replaced it.
		if rerr := os.RemoveAll(r.full(to)); rerr != nil {
			return rerr
		}
		if err = os.Rename(r.full(from), r.full(to)); err != nil {
			return err
		}
	}
	r.markDirty(from)
	r.markDirty(to)
	return nil
}

func (r *root) remove(rel string) error {
	if err := r.check(rel); err != nil {
		return err
	}
	fi, err := os.Lstat(r.full(rel))
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return &fs.PathError{Op: "remove", Path: rel, Err: errNotRegular}
	}
	if err := os.Remove(r.full(rel)); err != nil {
		return err
	}
	r.markDirty(rel)
	return nil
}

func (r *root) removeAll(rel string) error {
	if err := r.check(rel); err != nil {
		return err
	}
	if _, err := os.Lstat(r.full(rel)); err != nil {
		return err
	}
	if err := os.RemoveAll(r.full(rel)); err != nil {
		return err
	}
	r.markDirty(rel)
	return nil
}

func (r *root) mkdirAll(rel string, mode uint32) error {
	comps := strings.Split(rel, "/")
	for i := range comps {
		prefix := strings.Join(comps[:i+1], "/")
		p := r.full(prefix)
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.Mkdir(p, 0o755); err != nil {
				return err
			}
			r.markDirty(prefix)
		case err != nil:
			return err
		case fi.Mode()&fs.ModeSymlink != 0:
			return unsafePath(rel, "symlinked parent")
		case !fi.IsDir():
			return &fs.PathError{Op: "mkdir", Path: prefix, Err: fs.ErrExist}
		}
	}
	if err := os.Chmod(r.full(rel), fileMode(perm(mode, 0o755))); err != nil && runtime.GOOS != "windows" {
		return err
	}
	return nil
}

func (r *root) symlink(target, rel string) error {
	if err := r.check(rel); err != nil {
		return err
	}
	p := r.full(rel)
	if _, err := os.Lstat(p); err == nil {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	if err := os.Symlink(target, p); err != nil {
		return err
	}
	r.markDirty(rel)
	return nil
}

func (r *root) link(existing, rel string) error {
	if err := errors.Join(r.check(existing), r.check(rel)); err != nil {
		return err
	}
	src, err := os.Lstat(r.full(existing))
	if err != nil {
		return err
	}
	if src.IsDir() {
		return &fs.PathError{Op: "link", Path: existing, Err: errNotRegular}
	}
	p := r.full(rel)
	if dst, err := os.Lstat(p); err == nil {
		if os.SameFile(src, dst) {
			return nil
		}
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	if err := os.Link(r.full(existing), p); err != nil {
		return err
	}
	r.markDirty(rel)
	return nil
}

// setAttr applies what the platform supports; ownership failures are
// ignored where ownership cannot be set (Windows, or not running as root).
func (r *root) setAttr(rel string, a attrs) error {
	if err := r.check(rel); err != nil {
		return err
	}
	p := r.full(rel)
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	isLink := fi.Mode()&fs.ModeSymlink != 0
	if a.uid >= 0 || a.gid >= 0 {
		if err := os.Lchown(p, int(a.uid), int(a.gid)); err != nil && !r.notRoot && runtime.GOOS != "windows" {
			return err
		}
	}
	if isLink {
		return nil // no portable way to change a symlink's own mode or times
	}
	if a.mode&0o7777 != 0 {
		if err := os.Chmod(p, fileMode(a.mode)); err != nil {
			return err
		}
	}
	if a.atime != 0 || a.mtime != 0 {
		return os.Chtimes(p, nsTime(a.atime), nsTime(a.mtime))
	}
	return nil
}

// setAttrOpen sets the attributes of h's file through its name: the
// portable calls take names.
func (r *root) setAttrOpen(h *handle, a attrs) error { return r.setAttr(h.key, a) }

func (r *root) forgetNear()     {}
func (r *root) noteUnpinned()   {}
func (r *root) dirtyDirs() int  { return len(r.dirty) }
func (r *root) needsFull() bool { return false }
func (r *root) canSyncfs() bool { return false }
func (r *root) rootDev() uint64 { return 0 }
func (r *root) takeErr() error  { return nil }
func (r *root) syncfs() error   { return errors.ErrUnsupported }

// takeDirty flushes changed directories where the OS allows it; Windows
// cannot open a directory for flushing, so there it is best effort. They
// are flushed here, so none is handed to the sync.
func (r *root) takeDirty(bool) []*os.File {
	for dir := range r.dirty {
		if f, err := os.Open(r.full(dir)); err == nil {
			f.Sync()
			f.Close()
		}
		delete(r.dirty, dir)
	}
	return nil
}

// dupFile is not offered by the portable build: the sync flushes f itself.
func dupFile(*os.File) (*os.File, error) { return nil, errors.ErrUnsupported }

func stillLinked(*handle) bool { return true }

// nsTime converts unix nanoseconds, 0 meaning "leave unchanged" (the zero
// time.Time, which os.Chtimes skips).
func nsTime(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// fileMode converts unix permission bits, which the wire carries, to Go's
// encoding, where set-ID and sticky bits live elsewhere.
func fileMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	return mode
}
