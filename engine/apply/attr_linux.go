//go:build linux && !dtrep_portable

package apply

import (
	"math"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// setAttr applies a's ownership, mode and times to rel itself, never to
// what it points at when it is a symlink. Ownership goes first because
// chown clears set-user-ID and set-group-ID bits that chmod then restores.
func (r *root) setAttr(rel string, a attrs) error {
	d, name, err := r.parent(rel)
	if err != nil {
		return err
	}
	defer d.release()
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return pathErr("stat", rel, err)
	}
	if a.uid >= 0 || a.gid >= 0 {
		if a.uid > math.MaxUint32-1 || a.gid > math.MaxUint32-1 {
			return pathErr("chown", rel, unix.EINVAL)
		}
		err := unix.Fchownat(d.fd, name, int(a.uid), int(a.gid), unix.AT_SYMLINK_NOFOLLOW)
		if err != nil && !(err == unix.EPERM && r.notRoot) {
			return pathErr("chown", rel, err)
		}
	}
	if a.mode&0o7777 != 0 && st.Mode&unix.S_IFMT != unix.S_IFLNK {
		if err := chmodNoFollow(d.fd, name, a.mode&0o7777); err != nil {
			return pathErr("chmod", rel, err)
		}
	}
	if a.atime != 0 || a.mtime != 0 {
		ts := []unix.Timespec{timespec(a.atime), timespec(a.mtime)}
		if err := unix.UtimesNanoAt(d.fd, name, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return pathErr("utimes", rel, err)
		}
	}
	return nil
}

// timespec converts unix nanoseconds, 0 meaning "leave unchanged".
func timespec(ns int64) unix.Timespec {
	if ns == 0 {
		return unix.Timespec{Nsec: unix.UTIME_OMIT}
	}
	return unix.NsecToTimespec(ns)
}

// chmodNoFollow sets name's mode unless it is a symlink (whose mode Linux
// ignores). fchmodat2 does this in one call from Linux 6.6; before that the
// file is pinned with an O_PATH descriptor, checked, and changed through
// its /proc/self/fd link, so a symlink swapped in is never followed.
func chmodNoFollow(dirfd int, name string, mode uint32) error {
	err := unix.Fchmodat(dirfd, name, mode, unix.AT_SYMLINK_NOFOLLOW)
	if err != unix.EOPNOTSUPP {
		return err
	}
	fd, err := unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return nil
	}
	return unix.Fchmodat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(fd), mode, 0)
}

// setAttrOpen is setAttr for a regular file open in h: the descriptor
// pins the file, so nothing is resolved and no symlink can be met.
func (r *root) setAttrOpen(h *handle, a attrs) error {
	fd := int(h.f.Fd())
	own := &h.own
	if (a.uid >= 0 || a.gid >= 0) && !(own.known && (a.uid < 0 || a.uid == own.uid) && (a.gid < 0 || a.gid == own.gid)) {
		if a.uid > math.MaxUint32-1 || a.gid > math.MaxUint32-1 {
			return pathErr("chown", h.key, unix.EINVAL)
		}
		own.known = false // chown may clear the set-ID bits
		err := unix.Fchown(fd, int(a.uid), int(a.gid))
		if err != nil && !(err == unix.EPERM && r.notRoot) {
			return pathErr("chown", h.key, err)
		}
	}
	if m := a.mode & 0o7777; m != 0 && !(own.known && own.mode == m) {
		own.known = false
		if err := unix.Fchmod(fd, m); err != nil {
			return pathErr("chmod", h.key, err)
		}
	}
	if a.atime != 0 || a.mtime != 0 {
		if err := futimens(fd, [2]unix.Timespec{timespec(a.atime), timespec(a.mtime)}); err != nil {
			return pathErr("utimes", h.key, err)
		}
	}
	return nil
}

// futimens sets fd's times: utimensat with a NULL path, which x/sys/unix
// does not offer.
func futimens(fd int, ts [2]unix.Timespec) error {
	_, _, errno := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
