package wire

import "fmt"

// MaxReadLength bounds one ReadRequest, so a reply always fits a frame with
// room to spare for its header fields.
const MaxReadLength = 4 << 20

// ReadRequest asks the target for up to Length bytes of Path at Offset. A
// restore uses it to copy the target's data back to the source; like every
// query it is answered in order with the ops sent before it.
type ReadRequest struct {
	ReqID  uint64
	Path   string
	Offset int64
	Length uint32
}

func (*ReadRequest) Type() MsgType                           { return MsgReadRequest }
func (m *ReadRequest) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *ReadRequest) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *ReadRequest) encode(e *encoder) {
	if m.Length > MaxReadLength || m.Offset < 0 {
		e.fail(fmt.Errorf("%w: read of %d bytes at %d", ErrBadValue, m.Length, m.Offset))
		return
	}
	e.uvarint(m.ReqID)
	e.str(m.Path)
	e.varint(m.Offset)
	e.uvarint(uint64(m.Length))
}

func (m *ReadRequest) decode(d *decoder) {
	m.ReqID = d.uvarint()
	m.Path = d.str()
	m.Offset = d.varint()
	m.Length = d.uvarint32()
	if d.err == nil && (m.Length > MaxReadLength || m.Offset < 0) {
		d.fail(fmt.Errorf("%w: read of %d bytes at %d", ErrBadValue, m.Length, m.Offset))
	}
}

// ReadReply answers a ReadRequest: Data holds the bytes read from Offset
// (shorter than asked at the end of the file), Size the file's size when
// read. Exists is false when Path is not a regular file on the target.
type ReadReply struct {
	ReqID  uint64
	Exists bool
	Size   int64
	Offset int64
	Data   []byte
}

func (*ReadReply) Type() MsgType                           { return MsgReadReply }
func (m *ReadReply) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *ReadReply) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *ReadReply) encode(e *encoder) {
	e.uvarint(m.ReqID)
	e.bool(m.Exists)
	if !m.Exists {
		return
	}
	e.varint(m.Size)
	e.varint(m.Offset)
	e.bytes(m.Data, MaxReadLength)
}

func (m *ReadReply) decode(d *decoder) {
	m.ReqID = d.uvarint()
	if m.Exists = d.bool(); !m.Exists {
		return
	}
	m.Size = d.varint()
	m.Offset = d.varint()
	m.Data = d.bytes(MaxReadLength)
}
