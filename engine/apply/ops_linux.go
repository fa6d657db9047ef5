//go:build linux && !dtrep_portable

package apply

import (
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// create opens rel for writing, creating or truncating it. A symlink in its
// place is replaced; a directory is not (the source would have removed it
// first, so it means the target has diverged).
func (r *root) create(rel string, mode uint32) (*handle, error) {
	d, name, err := r.fileParent(rel)
	if err != nil {
		return nil, err
	}
	const flags = unix.O_WRONLY | unix.O_CREAT | unix.O_TRUNC | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_CLOEXEC
	fd, err := unix.Openat(d.fd, name, flags, perm(mode, 0o644))
	if err == unix.ELOOP {
		if err = unix.Unlinkat(d.fd, name, 0); err == nil {
			fd, err = unix.Openat(d.fd, name, flags, perm(mode, 0o644))
		}
	}
	if err != nil {
		return nil, pathErr("create", rel, err)
	}
	r.markFileParentDirty(d)
	h, err := finishOpen(fd, rel)
	if err != nil {
		return nil, err
	}
	// The creation mode was reduced by the umask and ignored for an
	// existing file; the source's mode is what the file must have.
	if m := perm(mode, 0o644); !h.own.known || h.own.mode != m {
		if err := unix.Fchmod(fd, m); err != nil {
			h.f.Close()
			return nil, pathErr("chmod", rel, err)
		}
		h.own.mode = m
	}
	return h, nil
}

// openWrite opens the existing regular file rel for writing. O_NOFOLLOW
// refuses a symlink as the final component; O_NONBLOCK keeps a FIFO
// planted there from blocking the applier before finishOpen rejects it.
func (r *root) openWrite(rel string) (*handle, error) {
	d, name, err := r.fileParent(rel)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Openat(d.fd, name, unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, pathErr("open", rel, err)
	}
	return finishOpen(fd, rel)
}

func finishOpen(fd int, rel string) (*handle, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, pathErr("stat", rel, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return nil, pathErr("open", rel, errNotRegular)
	}
	if err := unix.SetNonblock(fd, false); err != nil {
		unix.Close(fd)
		return nil, pathErr("open", rel, err)
	}
	return &handle{key: rel, f: os.NewFile(uintptr(fd), rel), dev: uint64(st.Dev), size: st.Size, sized: true,
		own: ownership{known: true, uid: int64(st.Uid), gid: int64(st.Gid), mode: st.Mode & 0o7777}}, nil
}

// allocate reserves size bytes for h without changing its length, so a
// full disk shows at create time. File systems without fallocate skip it.
func (r *root) allocate(h *handle, size int64) error {
	err := unix.Fallocate(int(h.f.Fd()), unix.FALLOC_FL_KEEP_SIZE, 0, size)
	if err == unix.EOPNOTSUPP || err == unix.ENOSYS {
		return nil
	}
	return pathErr("fallocate", h.key, err)
}

// rename moves from to to, replacing whatever is at to: a non-empty
// directory or an entry of the other type is removed first, as a source
// rename onto it implies.
func (r *root) rename(from, to string) error {
	fd, fname, err := r.parent(from)
	if err != nil {
		return err
	}
	defer fd.release()
	td, tname, err := r.parent(to)
	if err != nil {
		return err
	}
	defer td.release()
	err = unix.Renameat(fd.fd, fname, td.fd, tname)
	switch err {
	case unix.ENOTEMPTY, unix.EEXIST, unix.EISDIR, unix.ENOTDIR:
		if rerr := r.removeAt(td.fd, tname); rerr != nil && rerr != unix.ENOENT {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: rerr}
		}
		err = unix.Renameat(fd.fd, fname, td.fd, tname)
	}
	if err != nil {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: err}
	}
	r.markDirty(fd.fd)
	r.markDirty(td.fd)
	return nil
}

// remove unlinks the file or symlink rel.
func (r *root) remove(rel string) error {
	d, name, err := r.parent(rel)
	if err != nil {
		return err
	}
	defer d.release()
	if err := unix.Unlinkat(d.fd, name, 0); err != nil {
		return pathErr("unlink", rel, err)
	}
	r.markDirty(d.fd)
	return nil
}

// removeAll removes rel and everything beneath it.
func (r *root) removeAll(rel string) error {
	d, name, err := r.parent(rel)
	if err != nil {
		return err
	}
	defer d.release()
	if err := r.removeAt(d.fd, name); err != nil {
		return pathErr("remove", rel, err)
	}
	r.markDirty(d.fd)
	return nil
}

// removeAt removes name in dirfd, recursing into directories without ever
// following a symlink: each level is opened O_NOFOLLOW from its parent's
// descriptor, so a symlink swapped in mid-removal is unlinked, not entered.
func (r *root) removeAt(dirfd int, name string) error {
	err := unix.Unlinkat(dirfd, name, 0)
	if err != unix.EISDIR {
		return err
	}
	fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	dir := os.NewFile(uintptr(fd), name)
	names, err := dir.Readdirnames(-1)
	if err != nil && err != io.EOF {
		dir.Close()
		return err
	}
	for _, n := range names {
		if err := r.removeAt(fd, n); err != nil && err != unix.ENOENT {
			dir.Close()
			return err
		}
	}
	dir.Close()
	return unix.Unlinkat(dirfd, name, unix.AT_REMOVEDIR)
}

// mkdirAll creates rel and any missing parents. Parents get 0755 (later
// attribute ops set their real modes); rel gets mode, also when it exists.
func (r *root) mkdirAll(rel string, mode uint32) error {
	comps := strings.Split(rel, "/")
	cur := dirRef{fd: r.fd}
	defer func() { cur.release() }()
	for i, c := range comps {
		last := i == len(comps)-1
		err := unix.Mkdirat(cur.fd, c, 0o755)
		created := err == nil
		if err != nil && err != unix.EEXIST {
			return pathErr("mkdir", strings.Join(comps[:i+1], "/"), err)
		}
		if created {
			r.markDirty(cur.fd)
		}
		if last {
			var st unix.Stat_t
			if err := unix.Fstatat(cur.fd, c, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				return pathErr("stat", rel, err)
			}
			if st.Mode&unix.S_IFMT != unix.S_IFDIR {
				return pathErr("mkdir", rel, unix.EEXIST)
			}
			if created || mode&0o7777 != 0 {
				return pathErr("chmod", rel, chmodNoFollow(cur.fd, c, perm(mode, 0o755)))
			}
			return nil
		}
		// Resolve the prefix again from the root rather than from cur, so
		// an in-tree symlinked parent is followed exactly as openat2 does
		// for every other op, and one leading out is refused.
		next, err := r.openDir(rel, strings.Join(comps[:i+1], "/"))
		if err != nil {
			return err
		}
		cur.release()
		cur = next
	}
	return nil
}

// symlink creates rel pointing at target, replacing what is there.
func (r *root) symlink(target, rel string) error {
	d, name, err := r.parent(rel)
	if err != nil {
		return err
	}
	defer d.release()
	err = unix.Symlinkat(target, d.fd, name)
	if err == unix.EEXIST {
		if err = r.removeAt(d.fd, name); err == nil || err == unix.ENOENT {
			err = unix.Symlinkat(target, d.fd, name)
		}
	}
	if err != nil {
		return pathErr("symlink", rel, err)
	}
	r.markDirty(d.fd)
	return nil
}

// link makes rel a hard link to the existing non-directory existing,
// replacing what is at rel unless it already is that file.
func (r *root) link(existing, rel string) error {
	ed, ename, err := r.parent(existing)
	if err != nil {
		return err
	}
	defer ed.release()
	nd, nname, err := r.parent(rel)
	if err != nil {
		return err
	}
	defer nd.release()
	var src unix.Stat_t
	if err := unix.Fstatat(ed.fd, ename, &src, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return &os.LinkError{Op: "link", Old: existing, New: rel, Err: err}
	}
	if src.Mode&unix.S_IFMT == unix.S_IFDIR {
		// linkat says EPERM, which would read as a retryable access error.
		return &os.LinkError{Op: "link", Old: existing, New: rel, Err: errNotRegular}
	}
	// Flags 0: a symlink at existing is linked itself, never followed.
	err = unix.Linkat(ed.fd, ename, nd.fd, nname, 0)
	if err == unix.EEXIST {
		var dst unix.Stat_t
		if unix.Fstatat(nd.fd, nname, &dst, unix.AT_SYMLINK_NOFOLLOW) == nil && dst.Dev == src.Dev && dst.Ino == src.Ino {
			return nil
		}
		if err = r.removeAt(nd.fd, nname); err == nil || err == unix.ENOENT {
			err = unix.Linkat(ed.fd, ename, nd.fd, nname, 0)
		}
	}
	if err != nil {
		return &os.LinkError{Op: "link", Old: existing, New: rel, Err: err}
	}
	r.markDirty(nd.fd)
	return nil
}
