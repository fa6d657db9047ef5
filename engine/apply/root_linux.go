//go:build linux && !dtrep_portable

package apply

import (
	"fmt"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// releaseFirst is false on Linux: an open descriptor survives the rename or
// unlink of its name, so handles are released after a namespace change,
// when it is known whether their file still has a name worth fsyncing.
const releaseFirst = false

// inTreeSymlinks says symlinked parents that stay beneath the root are
// followed (openat2 resolves them safely).
const inTreeSymlinks = true

// symlinkTimes says attribute ops set a symlink's own times.
const symlinkTimes = true

// maxDirtyDirs bounds the directory descriptors held for the next Sync;
// past it Sync falls back to syncfs, which needs none.
const maxDirtyDirs = 4096

type devIno struct{ dev, ino uint64 }

// root is the target path as a directory descriptor plus the set of
// directories whose entries changed since the last sync.
type root struct {
	path      string
	fd        int // O_RDONLY|O_DIRECTORY: resolution base, fsync and syncfs target
	dev       uint64
	noOpenat2 bool // kernel before 5.6: walk components instead
	notRoot   bool // chown EPERM is expected and ignored

	dirty   map[devIno]*os.File // directories to fsync, opened O_RDONLY
	full    bool                // a change is not pinned to a descriptor: syncfs needed
	syncErr error               // a directory that could not be tracked

	// near is the parent directory of the last file created or opened for
	// writing. A mirror creates a directory's files one after another, and
	// resolving the same parent for each cost an openat2, a close and an
	// fstat per file. Ops that change names, and each sync, forget it.
	near nearDir
}

// nearDir is a directory kept open for the files after it (root.near).
type nearDir struct {
	dir    string // relative to the root; "" when none is kept
	fd     int
	marked bool // recorded as dirty for the next sync
}

func openRoot(path string) (*root, error) {
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, fmt.Errorf("target path: %w", err)
	}
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	return &root{path: path, fd: fd, dev: st.Dev, notRoot: os.Geteuid() != 0, dirty: map[devIno]*os.File{}}, nil
}

func (r *root) close() error {
	r.forgetNear()
	for k, f := range r.dirty {
		f.Close()
		delete(r.dirty, k)
	}
	return unix.Close(r.fd)
}

// dirRef is an opened directory; own says whether release must close it
// (the root's own descriptor is shared).
type dirRef struct {
	fd  int
	own bool
}

func (d dirRef) release() {
	if d.own {
		unix.Close(d.fd)
	}
}

// parent opens the directory holding rel's final component and returns it
// with that component.
func (r *root) parent(rel string) (dirRef, string, error) {
	dir, name := split(rel)
	d, err := r.openDir(rel, dir)
	return d, name, err
}

// fileParent is parent for the ops on a regular file's content (create,
// open for writing): the directory stays open in near for the next file,
// and the caller must not release it. The kept descriptor is the directory
// resolved beneath the root; if something else renames it or swaps a
// symlink in at its name meanwhile, files still go into that directory,
// never through the new name (TestKeptParentIsNotReplacedBySymlink).
func (r *root) fileParent(rel string) (dirRef, string, error) {
	dir, name := split(rel)
	switch dir {
	case "":
		return dirRef{fd: r.fd}, name, nil
	case r.near.dir:
		return dirRef{fd: r.near.fd}, name, nil
	}
	d, err := r.openDir(rel, dir)
	if err != nil {
		return d, name, err
	}
	r.forgetNear()
	r.near = nearDir{dir: dir, fd: d.fd}
	return dirRef{fd: d.fd}, name, nil
}

// forgetNear closes the directory kept in near.
func (r *root) forgetNear() {
	if r.near.dir != "" {
		unix.Close(r.near.fd)
	}
	r.near = nearDir{}
}

// markFileParentDirty is markDirty for a directory from fileParent: the
// kept one is recorded once.
func (r *root) markFileParentDirty(d dirRef) {
	if r.near.dir != "" && d.fd == r.near.fd {
		if r.near.marked {
			return
		}
		r.near.marked = true
	}
	r.markDirty(d.fd)
}

// openDir opens dir (relative to the root, "" for the root itself) as an
// O_PATH descriptor, refusing any resolution that leaves the root. rel is
// the op path, named in refusals.
func (r *root) openDir(rel, dir string) (dirRef, error) {
	if dir == "" {
		return dirRef{fd: r.fd}, nil
	}
	if r.noOpenat2 {
		return r.walkDir(rel, dir)
	}
	how := unix.OpenHow{
		Flags:   unix.O_PATH | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_MAGICLINKS,
	}
	for try := 0; ; try++ {
		fd, err := unix.Openat2(r.fd, dir, &how)
		switch {
		case err == nil:
			return dirRef{fd: fd, own: true}, nil
		case (err == unix.EAGAIN || err == unix.EINTR) && try < 16:
			// EAGAIN: a concurrent rename raced the beneath check.
			continue
		case err == unix.EXDEV || err == unix.ELOOP:
			return dirRef{}, unsafePath(rel, "resolves outside the target path")
		case err == unix.ENOSYS:
			r.noOpenat2 = true
			return r.walkDir(rel, dir)
		}
		return dirRef{}, &fs.PathError{Op: "openat2", Path: dir, Err: err}
	}
}

// walkDir is openDir for kernels without openat2: it descends one
// component at a time and refuses symlinked components, which is stricter
// than openat2 (no in-tree symlinks) but never leaves the root.
func (r *root) walkDir(rel, dir string) (dirRef, error) {
	cur := dirRef{fd: r.fd}
	for _, comp := range strings.Split(dir, "/") {
		var st unix.Stat_t
		if err := unix.Fstatat(cur.fd, comp, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			cur.release()
			return dirRef{}, &fs.PathError{Op: "stat", Path: dir, Err: err}
		}
		if st.Mode&unix.S_IFMT == unix.S_IFLNK {
			cur.release()
			return dirRef{}, unsafePath(rel, "symlinked parent")
		}
		// O_NOFOLLOW keeps a symlink swapped in since the stat from being
		// followed: it then fails with ENOTDIR.
		fd, err := unix.Openat(cur.fd, comp, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		cur.release()
		if err != nil {
			return dirRef{}, &fs.PathError{Op: "open", Path: dir, Err: err}
		}
		cur = dirRef{fd: fd, own: true}
	}
	return cur, nil
}

func pathErr(op, rel string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: rel, Err: err}
}

// markDirty records that the directory at dirfd had entries change, so the
// next Sync fsyncs it once however many changes it saw.
func (r *root) markDirty(dirfd int) {
	var st unix.Stat_t
	if err := unix.Fstat(dirfd, &st); err != nil {
		r.full = true
		return
	}
	k := devIno{uint64(st.Dev), st.Ino}
	if _, ok := r.dirty[k]; ok {
		return
	}
	if k.dev == r.dev && (r.full || len(r.dirty) >= maxDirtyDirs) {
		// syncfs will cover it; holding more descriptors buys nothing.
		r.full = true
		return
	}
	fd, err := unix.Openat(dirfd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		if k.dev == r.dev {
			r.full = true
		} else if r.syncErr == nil {
			r.syncErr = &fs.PathError{Op: "open directory for fsync", Path: r.path, Err: err}
		}
		return
	}
	r.dirty[k] = os.NewFile(uintptr(fd), "")
}

// noteUnpinned records a metadata change with no descriptor to fsync.
func (r *root) noteUnpinned() { r.full = true }

func (r *root) dirtyDirs() int  { return len(r.dirty) }
func (r *root) needsFull() bool { return r.full }
func (r *root) canSyncfs() bool { return true }
func (r *root) rootDev() uint64 { return r.dev }
func (r *root) takeErr() error  { e := r.syncErr; r.syncErr = nil; return e }

// takeDirty hands the dirty directories' descriptors to a sync about to
// run: all of them or, when a syncfs of the root's file system comes first
// (full), only those on other file systems, closing the rest. A full sync
// also clears the root's need for one.
func (r *root) takeDirty(full bool) []*os.File {
	r.forgetNear() // a new batch resolves parents afresh
	var out []*os.File
	for k, f := range r.dirty {
		delete(r.dirty, k)
		if full && k.dev == r.dev {
			f.Close()
			continue
		}
		out = append(out, f)
	}
	if full {
		r.full = false
	}
	return out
}

// syncfs flushes the root's whole file system.
func (r *root) syncfs() error {
	if err := unix.Syncfs(r.fd); err != nil {
		return &fs.PathError{Op: "syncfs", Path: r.path, Err: err}
	}
	return nil
}

// dupFile duplicates f's descriptor, for a flush that runs while f may be
// closed.
func dupFile(f *os.File) (*os.File, error) {
	fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), f.Name()), nil
}

// stillLinked reports whether h's file has a name left after an unlink or
// a rename over it, i.e. whether its data still matters.
func stillLinked(h *handle) bool {
	var st unix.Stat_t
	if err := unix.Fstat(int(h.f.Fd()), &st); err != nil {
		return true
	}
	return st.Nlink > 0
}
