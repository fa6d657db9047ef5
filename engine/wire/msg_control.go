package wire

import "fmt"

// Error reports a failure with a chapter 5 code, either on its own (ReqID 0)
// or as the answer to the request ReqID.
type Error struct {
	ReqID uint64
	Code  uint32
	Text  string
}

// NewError builds the Error message describing err, with the code Code(err).
func NewError(reqID uint64, err error) *Error {
	return &Error{ReqID: reqID, Code: uint32(Code(err)), Text: detail(err)}
}

func (*Error) Type() MsgType                           { return MsgError }
func (m *Error) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Error) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *Error) encode(e *encoder) {
	e.uvarint(m.ReqID)
	e.uvarint(uint64(m.Code))
	e.str(m.Text)
}

func (m *Error) decode(d *decoder) {
	m.ReqID = d.uvarint()
	m.Code = d.uvarint32()
	m.Text = d.str()
}

// Err returns the reported failure as a *PeerError.
func (m *Error) Err() error { return &PeerError{Code: int(m.Code), Text: m.Text} }

// Ping asks the peer for a Pong with the same ID; it keeps idle connections
// alive (the reference sends keep-alives at 1/6 of NetworkTimeout) and
// measures round trips when the ID is a timestamp.
type Ping struct {
	ID uint64
}

func (*Ping) Type() MsgType                           { return MsgPing }
func (m *Ping) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Ping) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }
func (m *Ping) encode(e *encoder)                     { e.uvarint(m.ID) }
func (m *Ping) decode(d *decoder)                     { m.ID = d.uvarint() }

// Pong answers a Ping.
type Pong struct {
	ID uint64
}

func (*Pong) Type() MsgType                           { return MsgPong }
func (m *Pong) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Pong) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }
func (m *Pong) encode(e *encoder)                     { e.uvarint(m.ID) }
func (m *Pong) decode(d *decoder)                     { m.ID = d.uvarint() }

// ControlAction is what a Control message asks for. The values are part of
// the wire format: never renumber, only append.
type ControlAction uint8

const (
	ControlPauseTarget        ControlAction = 1 // target: hold incoming ops in its queue, apply none
	ControlResumeTarget       ControlAction = 2
	ControlPauseTransmission  ControlAction = 3 // source: stop sending, keep queuing
	ControlResumeTransmission ControlAction = 4
	ControlMirrorPause        ControlAction = 5
	ControlMirrorResume       ControlAction = 6
	ControlMirrorStop         ControlAction = 7
	// ControlRestoreResolved tells the target that the source's copy and
	// the target's agree again (restored from the target, or remirrored
	// over it): the target clears Restore Required.
	ControlRestoreResolved ControlAction = 8
	// ControlMirrorStart and ControlMirrorComplete, with ControlMirrorStop,
	// tell the target how its copy stands, so its entry shows the Target
	// data state the source does: Mirroring, OK once the mirror's ops are
	// acknowledged, Mirror Required after a stopped or failed mirror.
	ControlMirrorStart    ControlAction = 9
	ControlMirrorComplete ControlAction = 10
	controlActionEnd                    = ControlMirrorComplete + 1
)

var controlNames = [controlActionEnd]string{
	ControlPauseTarget: "pause-target", ControlResumeTarget: "resume-target",
	ControlPauseTransmission: "pause-transmission", ControlResumeTransmission: "resume-transmission",
	ControlMirrorPause: "mirror-pause", ControlMirrorResume: "mirror-resume", ControlMirrorStop: "mirror-stop",
	ControlRestoreResolved: "restore-resolved", ControlMirrorStart: "mirror-start",
	ControlMirrorComplete: "mirror-complete",
}

func (a ControlAction) String() string {
	if a.Valid() {
		return controlNames[a]
	}
	return fmt.Sprintf("control(%d)", uint8(a))
}

// Valid reports whether a is an action this version knows.
func (a ControlAction) Valid() bool { return a > 0 && a < controlActionEnd }

// Control changes the state of the connection at either end. Code is the
// chapter 5 code that explains it (162 Target is paused, 173 Target disk is
// full, 153 Transmission is paused, ...), 0 when the user asked.
type Control struct {
	Action ControlAction
	Code   uint32
}

func (*Control) Type() MsgType                           { return MsgControl }
func (m *Control) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Control) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *Control) encode(e *encoder) {
	if !m.Action.Valid() {
		e.fail(fmt.Errorf("%w: control action %d", ErrBadValue, uint8(m.Action)))
		return
	}
	e.u8(uint8(m.Action))
	e.uvarint(uint64(m.Code))
}

func (m *Control) decode(d *decoder) {
	m.Action = ControlAction(d.u8())
	if d.err == nil && !m.Action.Valid() {
		d.fail(fmt.Errorf("%w: control action %d", ErrBadValue, uint8(m.Action)))
		return
	}
	m.Code = d.uvarint32()
}
