package eventlog

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// sendMemfd hands journald a record too large for a datagram: the record
// goes in a sealed memory file and the datagram carries only its
// descriptor (SCM_RIGHTS), which is how journald takes large entries.
func sendMemfd(conn *net.UnixConn, record []byte) error {
	fd, err := unix.MemfdCreate("dtrep-journal", unix.MFD_ALLOW_SEALING|unix.MFD_CLOEXEC)
	if err != nil {
		return fmt.Errorf("memfd: %w", err)
	}
	f := os.NewFile(uintptr(fd), "dtrep-journal")
	defer f.Close()
	if _, err := f.Write(record); err != nil {
		return fmt.Errorf("memfd: %w", err)
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS,
		unix.F_SEAL_SHRINK|unix.F_SEAL_GROW|unix.F_SEAL_WRITE|unix.F_SEAL_SEAL); err != nil {
		return fmt.Errorf("memfd seal: %w", err)
	}
	_, _, err = conn.WriteMsgUnix(nil, unix.UnixRights(fd), nil)
	return err
}
