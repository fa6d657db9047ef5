package wire

// ListRequest asks the target for the entries of directory Path, sorted by
// name, starting after the name After (empty: from the start) and at most
// Limit of them (0: as many as fit one reply). A mirror uses it to find
// orphans: files on the target that the source does not have.
type ListRequest struct {
	ReqID uint64
	Path  string
	After string
	Limit uint32
}

func (*ListRequest) Type() MsgType                           { return MsgListRequest }
func (m *ListRequest) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *ListRequest) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *ListRequest) encode(e *encoder) {
	e.uvarint(m.ReqID)
	e.str(m.Path)
	e.str(m.After)
	e.uvarint(uint64(m.Limit))
}

func (m *ListRequest) decode(d *decoder) {
	m.ReqID = d.uvarint()
	m.Path = d.str()
	m.After = d.str()
	m.Limit = d.uvarint32()
}

// DirEntry is one name in a directory listing.
type DirEntry struct {
	Name string
	Type FileType
}

// ListReply answers a ListRequest. More says entries remain: ask again with
// After set to the last name returned.
type ListReply struct {
	ReqID   uint64
	Entries []DirEntry
	More    bool
}

func (*ListReply) Type() MsgType                           { return MsgListReply }
func (m *ListReply) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *ListReply) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *ListReply) encode(e *encoder) {
	e.uvarint(m.ReqID)
	e.count(len(m.Entries))
	for _, de := range m.Entries {
		e.str(de.Name)
		e.u8(uint8(de.Type))
	}
	e.bool(m.More)
}

// minDirEntrySize is an empty name's length byte plus the type byte.
const minDirEntrySize = 2

func (m *ListReply) decode(d *decoder) {
	m.ReqID = d.uvarint()
	n := d.count(minDirEntrySize)
	m.Entries = nil
	if n > 0 {
		m.Entries = make([]DirEntry, n)
		for i := range m.Entries {
			m.Entries[i].Name = d.str()
			m.Entries[i].Type = decodeFileType(d)
		}
	}
	m.More = d.bool()
}
