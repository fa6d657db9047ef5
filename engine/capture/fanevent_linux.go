package capture

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// fanEvent is one fanotify event as a group initialised with
// FAN_REPORT_DFID_NAME_TARGET reports it. Handles are kept as fileKey
// strings: the handle type's four bytes, then the handle.
type fanEvent struct {
	mask uint64
	// dir and name: the directory entry the event is about (for
	// FAN_RENAME, the old one). name is "." for an event on dir itself.
	dir, name string
	// newDir and newName: FAN_RENAME's new directory entry.
	newDir, newName string
	obj             string // the object's own handle (FAN_REPORT_FID / FAN_REPORT_TARGET_FID)
}

const (
	fanMetadataLen = 24 // struct fanotify_event_metadata
	fanInfoHdrLen  = 4  // struct fanotify_event_info_header
	fanFsidLen     = 8  // __kernel_fsid_t
)

var errFanShort = errors.New("fanotify: truncated event")

// parseFanEvents decodes what one read of a fanotify group returned.
func parseFanEvents(buf []byte, out []fanEvent) ([]fanEvent, error) {
	ne := binary.NativeEndian
	for len(buf) > 0 {
		if len(buf) < fanMetadataLen {
			return out, errFanShort
		}
		evLen := int(ne.Uint32(buf[0:]))
		vers := buf[4]
		metaLen := int(ne.Uint16(buf[6:]))
		if vers != unix.FANOTIFY_METADATA_VERSION {
			return out, fmt.Errorf("fanotify: metadata version %d, want %d", vers, unix.FANOTIFY_METADATA_VERSION)
		}
		if evLen < fanMetadataLen || evLen > len(buf) || metaLen < fanMetadataLen || metaLen > evLen {
			return out, errFanShort
		}
		ev := fanEvent{mask: ne.Uint64(buf[8:])}
		if fd := int32(ne.Uint32(buf[16:])); fd >= 0 {
			// A group reporting file handles passes no descriptors; close
			// one anyway rather than leak it.
			unix.Close(int(fd))
		}
		info := buf[metaLen:evLen]
		for len(info) > 0 {
			if len(info) < fanInfoHdrLen {
				return out, errFanShort
			}
			typ, n := info[0], int(ne.Uint16(info[2:]))
			if n < fanInfoHdrLen || n > len(info) {
				return out, errFanShort
			}
			rec := info[fanInfoHdrLen:n]
			info = info[n:]
			switch typ {
			case unix.FAN_EVENT_INFO_TYPE_FID:
				key, _, err := fanHandle(rec, false)
				if err != nil {
					return out, err
				}
				ev.obj = key
			case unix.FAN_EVENT_INFO_TYPE_DFID_NAME, unix.FAN_EVENT_INFO_TYPE_OLD_DFID_NAME,
				unix.FAN_EVENT_INFO_TYPE_DFID:
				key, name, err := fanHandle(rec, typ != unix.FAN_EVENT_INFO_TYPE_DFID)
				if err != nil {
					return out, err
				}
				ev.dir, ev.name = key, name
			case unix.FAN_EVENT_INFO_TYPE_NEW_DFID_NAME:
				key, name, err := fanHandle(rec, true)
				if err != nil {
					return out, err
				}
				ev.newDir, ev.newName = key, name
			}
		}
		out = append(out, ev)
		buf = buf[evLen:]
	}
	return out, nil
}

// fanHandle reads a file-identifier record: the fsid, a struct
// file_handle and, withName, the entry's NUL-terminated name.
func fanHandle(rec []byte, withName bool) (key, name string, err error) {
	ne := binary.NativeEndian
	if len(rec) < fanFsidLen+8 {
		return "", "", errFanShort
	}
	h := rec[fanFsidLen:]
	size := int(ne.Uint32(h))
	if size < 0 || size > len(h)-8 {
		return "", "", errFanShort
	}
	key = string(h[4 : 8+size]) // handle type, then the handle
	if !withName {
		return key, "", nil
	}
	rest := h[8+size:]
	end := 0
	for end < len(rest) && rest[end] != 0 {
		end++
	}
	if end == len(rest) {
		return "", "", errors.New("fanotify: name without its terminating NUL")
	}
	return key, string(rest[:end]), nil
}

// keyHandle turns a key back into the handle open_by_handle_at takes.
func keyHandle(key string) unix.FileHandle {
	return unix.NewFileHandle(int32(binary.NativeEndian.Uint32([]byte(key[:4]))), []byte(key[4:]))
}

// handleKey is the key of a handle name_to_handle_at gave.
func handleKey(h unix.FileHandle) string {
	b := make([]byte, 4, 4+h.Size())
	binary.NativeEndian.PutUint32(b, uint32(h.Type()))
	return string(append(b, h.Bytes()...))
}
