package wire

import "fmt"

// Ops carries a batch of operations from the source, in Seq order.
type Ops struct {
	Ops []Op

	buf *[]byte // the received frame's pooled buffer the ops' data lies in
}

// Release lets the buffer of a received batch be used for a later frame.
// Call it only once nothing refers to the ops' data any more; a batch never
// released is collected as usual.
func (m *Ops) Release() {
	putPayload(m.buf)
	m.buf = nil
}

func (*Ops) Type() MsgType                           { return MsgOps }
func (m *Ops) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }

// sizeHint is about the encoded size: the data and paths, and room for
// each op's other fields.
func (m *Ops) sizeHint() int {
	n := 16
	for i := range m.Ops {
		n += len(m.Ops[i].Data) + len(m.Ops[i].Path) + len(m.Ops[i].NewPath) + len(m.Ops[i].LinkTarget) + 64
	}
	return n
}
func (m *Ops) UnmarshalBinary(p []byte) error { return unmarshalBody(p, m) }

func (m *Ops) encode(e *encoder) {
	e.count(len(m.Ops))
	for i := range m.Ops {
		encodeOp(e, &m.Ops[i])
	}
}

func (m *Ops) decode(d *decoder) {
	n := d.count(minOpSize)
	m.Ops = nil
	if n > 0 {
		m.Ops = make([]Op, n)
		for i := range m.Ops {
			decodeOp(d, &m.Ops[i])
		}
	}
}

// incompressible reports whether ops marked Incompressible carry at least
// half of the batch's data: then compressing the frame costs CPU for little.
func (m *Ops) incompressible() bool {
	var skip, total int
	for i := range m.Ops {
		n := len(m.Ops[i].Data)
		total += n
		if m.Ops[i].Incompressible {
			skip += n
		}
	}
	return total > 0 && 2*skip >= total
}

// Op flag bits.
const opFlagMirror = 1 << 0

// Op field-presence bits: a field is sent only when it is not its zero
// value, which keeps a small write or rename to a handful of bytes.
const (
	opHasNewPath = 1 << iota
	opHasOffset
	opHasSize
	opHasData
	opHasMode
	opHasUID
	opHasGID
	opHasAtime
	opHasMtime
	opHasLinkTarget
	opHasAll = 1<<iota - 1
)

// minOpSize is the smallest encoded Op: seq, kind, flags, presence, path length.
const minOpSize = 5

func encodeOp(e *encoder, o *Op) {
	var has uint64
	set := func(bit uint64, present bool) {
		if present {
			has |= bit
		}
	}
	set(opHasNewPath, o.NewPath != "")
	set(opHasOffset, o.Offset != 0)
	set(opHasSize, o.Size != 0)
	set(opHasData, len(o.Data) != 0)
	set(opHasMode, o.Mode != 0)
	set(opHasUID, o.UID != 0)
	set(opHasGID, o.GID != 0)
	set(opHasAtime, o.Atime != 0)
	set(opHasMtime, o.Mtime != 0)
	set(opHasLinkTarget, o.LinkTarget != "")

	var flags uint8
	if o.Mirror {
		flags |= opFlagMirror
	}
	e.uvarint(o.Seq)
	e.u8(uint8(o.Kind))
	e.u8(flags)
	e.uvarint(has)
	e.str(o.Path)
	if has&opHasNewPath != 0 {
		e.str(o.NewPath)
	}
	if has&opHasOffset != 0 {
		e.varint(o.Offset)
	}
	if has&opHasSize != 0 {
		e.varint(o.Size)
	}
	if has&opHasData != 0 {
		e.bytes(o.Data, MaxPayload)
	}
	if has&opHasMode != 0 {
		e.uvarint(uint64(o.Mode))
	}
	if has&opHasUID != 0 {
		e.varint(o.UID)
	}
	if has&opHasGID != 0 {
		e.varint(o.GID)
	}
	if has&opHasAtime != 0 {
		e.varint(o.Atime)
	}
	if has&opHasMtime != 0 {
		e.varint(o.Mtime)
	}
	if has&opHasLinkTarget != 0 {
		e.str(o.LinkTarget)
	}
}

func decodeOp(d *decoder, o *Op) {
	o.Seq = d.uvarint()
	o.Kind = OpKind(d.u8())
	flags := d.u8()
	has := d.uvarint()
	if d.err != nil {
		return
	}
	switch {
	case !o.Kind.Valid():
		d.fail(fmt.Errorf("%w: op kind %d", ErrBadValue, uint8(o.Kind)))
		return
	case flags&^opFlagMirror != 0:
		d.fail(fmt.Errorf("%w: op flags %#x", ErrBadValue, flags))
		return
	case has&^opHasAll != 0:
		d.fail(fmt.Errorf("%w: op fields %#x", ErrBadValue, has))
		return
	}
	o.Mirror = flags&opFlagMirror != 0
	o.Path = d.str()
	if has&opHasNewPath != 0 {
		o.NewPath = d.str()
	}
	if has&opHasOffset != 0 {
		o.Offset = d.varint()
	}
	if has&opHasSize != 0 {
		o.Size = d.varint()
	}
	if has&opHasData != 0 {
		o.Data = d.bytes(MaxPayload)
	}
	if has&opHasMode != 0 {
		o.Mode = d.uvarint32()
	}
	if has&opHasUID != 0 {
		o.UID = d.varint()
	}
	if has&opHasGID != 0 {
		o.GID = d.varint()
	}
	if has&opHasAtime != 0 {
		o.Atime = d.varint()
	}
	if has&opHasMtime != 0 {
		o.Mtime = d.varint()
	}
	if has&opHasLinkTarget != 0 {
		o.LinkTarget = d.str()
	}
}

// Ack is the target's acknowledgement: every op up to and including Seq has
// been applied durably, and Ops and Bytes count the ops and data bytes this
// Ack covers beyond the previous one, so the source can release queue memory
// and update its counters without walking its queue.
type Ack struct {
	Seq   uint64
	Ops   uint64
	Bytes uint64
}

func (*Ack) Type() MsgType                           { return MsgAck }
func (m *Ack) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Ack) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *Ack) encode(e *encoder) {
	e.uvarint(m.Seq)
	e.uvarint(m.Ops)
	e.uvarint(m.Bytes)
}

func (m *Ack) decode(d *decoder) {
	m.Seq = d.uvarint()
	m.Ops = d.uvarint()
	m.Bytes = d.uvarint()
}
