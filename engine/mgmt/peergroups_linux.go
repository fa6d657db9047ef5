package mgmt

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// peerGroups reads SO_PEERGROUPS: the supplementary groups the peer had when
// it connected. x/sys offers no typed getter (GetsockoptString stops at the
// first zero byte, and gids are full of them), so this calls getsockopt
// directly, growing the buffer when the kernel answers ERANGE.
func peerGroups(fd int) ([]uint32, error) {
	buf := make([]uint32, 64)
	for range 2 {
		n := uint32(len(buf) * 4)
		_, _, errno := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), unix.SOL_SOCKET, unix.SO_PEERGROUPS,
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&n)), 0)
		switch errno {
		case 0:
			return buf[:n/4], nil
		case unix.ERANGE:
			buf = make([]uint32, n/4+1)
		default:
			return nil, errno
		}
	}
	return nil, errors.New("SO_PEERGROUPS: group list keeps growing")
}
