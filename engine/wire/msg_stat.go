package wire

import "fmt"

// FileType is the kind of a file-system object in mirror and verify replies.
// The values are part of the wire format.
type FileType uint8

const (
	FileRegular FileType = 1
	FileDir     FileType = 2
	FileSymlink FileType = 3
	FileOther   FileType = 4 // device, socket, fifo: reported, never replicated
	fileTypeEnd          = FileOther + 1
)

// Valid reports whether t is a type this version knows.
func (t FileType) Valid() bool { return t > 0 && t < fileTypeEnd }

func (t FileType) String() string {
	switch t {
	case FileRegular:
		return "file"
	case FileDir:
		return "dir"
	case FileSymlink:
		return "symlink"
	case FileOther:
		return "other"
	}
	return fmt.Sprintf("filetype(%d)", uint8(t))
}

func decodeFileType(d *decoder) FileType {
	t := FileType(d.u8())
	if d.err == nil && !t.Valid() {
		d.fail(fmt.Errorf("%w: file type %d", ErrBadValue, uint8(t)))
	}
	return t
}

// MaxStatPaths bounds one StatRequest, so its reply (up to some hundred
// bytes per entry) stays far below a frame.
const MaxStatPaths = 4096

// StatRequest asks the target for the attributes of Paths (relative to the
// replication set's target path), so a mirror can decide what to send.
type StatRequest struct {
	ReqID uint64
	Paths []string
}

func (*StatRequest) Type() MsgType                           { return MsgStatRequest }
func (m *StatRequest) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *StatRequest) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *StatRequest) encode(e *encoder) {
	if len(m.Paths) > MaxStatPaths {
		e.fail(fmt.Errorf("%w: %d paths, limit %d", ErrFieldTooLong, len(m.Paths), MaxStatPaths))
		return
	}
	e.uvarint(m.ReqID)
	e.count(len(m.Paths))
	for _, p := range m.Paths {
		e.str(p)
	}
}

func (m *StatRequest) decode(d *decoder) {
	m.ReqID = d.uvarint()
	n := d.count(1)
	if n > MaxStatPaths {
		d.fail(fmt.Errorf("%w: %d paths, limit %d", ErrFieldTooLong, n, MaxStatPaths))
		return
	}
	m.Paths = nil
	if n > 0 {
		m.Paths = make([]string, n)
		for i := range m.Paths {
			m.Paths[i] = d.str()
		}
	}
}

// StatEntry is what the target found at one path. When Exists is false the
// other fields are zero and are not sent.
type StatEntry struct {
	Exists     bool
	Type       FileType
	Size       int64
	Mode       uint32 // permission and special bits, as os.FileMode.Perm plus setuid/setgid/sticky
	UID, GID   int64
	Mtime      int64 // unix nanoseconds
	LinkTarget string
}

// StatReply answers a StatRequest: Entries[i] describes the request's Paths[i].
type StatReply struct {
	ReqID   uint64
	Entries []StatEntry
}

func (*StatReply) Type() MsgType                           { return MsgStatReply }
func (m *StatReply) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *StatReply) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *StatReply) encode(e *encoder) {
	e.uvarint(m.ReqID)
	e.count(len(m.Entries))
	for i := range m.Entries {
		s := &m.Entries[i]
		e.bool(s.Exists)
		if !s.Exists {
			continue
		}
		e.u8(uint8(s.Type))
		e.varint(s.Size)
		e.uvarint(uint64(s.Mode))
		e.varint(s.UID)
		e.varint(s.GID)
		e.varint(s.Mtime)
		e.str(s.LinkTarget)
	}
}

func (m *StatReply) decode(d *decoder) {
	m.ReqID = d.uvarint()
	n := d.count(1)
	m.Entries = nil
	if n > 0 {
		m.Entries = make([]StatEntry, n)
		for i := range m.Entries {
			s := &m.Entries[i]
			if s.Exists = d.bool(); !s.Exists {
				continue
			}
			s.Type = decodeFileType(d)
			s.Size = d.varint()
			s.Mode = d.uvarint32()
			s.UID = d.varint()
			s.GID = d.varint()
			s.Mtime = d.varint()
			s.LinkTarget = d.str()
		}
	}
}
