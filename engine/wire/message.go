package wire

import "fmt"

// MsgType identifies a message on the wire. The values are part of the wire
// format: never renumber, only append.
type MsgType uint8

const (
	MsgHello       MsgType = 1
	MsgChallenge   MsgType = 2
	MsgProof       MsgType = 3
	MsgWelcome     MsgType = 4
	MsgRefuse      MsgType = 5
	MsgOps         MsgType = 6
	MsgAck         MsgType = 7
	MsgError       MsgType = 8
	MsgPing        MsgType = 9
	MsgPong        MsgType = 10
	MsgControl     MsgType = 11
	MsgStatRequest MsgType = 12
	MsgStatReply   MsgType = 13
	MsgHashRequest MsgType = 14
	MsgHashReply   MsgType = 15
	MsgListRequest MsgType = 16
	MsgListReply   MsgType = 17
	MsgTaskResult  MsgType = 18
	MsgReadRequest MsgType = 19
	MsgReadReply   MsgType = 20
	MsgJobState    MsgType = 21
	msgTypeEnd             = MsgJobState + 1 // one past the last known type
)

var msgNames = [msgTypeEnd]string{
	MsgHello: "hello", MsgChallenge: "challenge", MsgProof: "proof", MsgWelcome: "welcome",
	MsgRefuse: "refuse", MsgOps: "ops", MsgAck: "ack", MsgError: "error", MsgPing: "ping",
	MsgPong: "pong", MsgControl: "control", MsgStatRequest: "stat-request",
	MsgStatReply: "stat-reply", MsgHashRequest: "hash-request", MsgHashReply: "hash-reply",
	MsgListRequest: "list-request", MsgListReply: "list-reply", MsgTaskResult: "task-result",
	MsgReadRequest: "read-request", MsgReadReply: "read-reply", MsgJobState: "job-state",
}

func (t MsgType) String() string {
	if t.Valid() {
		return msgNames[t]
	}
	return fmt.Sprintf("msg(%d)", uint8(t))
}

// Valid reports whether t is a type this version knows.
func (t MsgType) Valid() bool { return t > 0 && t < msgTypeEnd }

// Message is one protocol message. AppendBinary and UnmarshalBinary follow
// encoding.BinaryAppender and encoding.BinaryUnmarshaler; the encoding is
// the payload only, the frame header carries the type.
type Message interface {
	Type() MsgType
	AppendBinary(b []byte) ([]byte, error)
	UnmarshalBinary(b []byte) error
}

// New returns an empty message of type t, or nil if t is unknown.
func New(t MsgType) Message {
	switch t {
	case MsgHello:
		return &Hello{}
	case MsgChallenge:
		return &Challenge{}
	case MsgProof:
		return &Proof{}
	case MsgWelcome:
		return &Welcome{}
	case MsgRefuse:
		return &Refuse{}
	case MsgOps:
		return &Ops{}
	case MsgAck:
		return &Ack{}
	case MsgError:
		return &Error{}
	case MsgPing:
		return &Ping{}
	case MsgPong:
		return &Pong{}
	case MsgControl:
		return &Control{}
	case MsgStatRequest:
		return &StatRequest{}
	case MsgStatReply:
		return &StatReply{}
	case MsgHashRequest:
		return &HashRequest{}
	case MsgHashReply:
		return &HashReply{}
	case MsgListRequest:
		return &ListRequest{}
	case MsgListReply:
		return &ListReply{}
	case MsgTaskResult:
		return &TaskResult{}
	case MsgReadRequest:
		return &ReadRequest{}
	case MsgReadReply:
		return &ReadReply{}
	case MsgJobState:
		return &JobState{}
	}
	return nil
}

// Marshal returns the payload encoding of m.
func Marshal(m Message) ([]byte, error) { return m.AppendBinary(nil) }

// Unmarshal decodes a payload of type t.
func Unmarshal(t MsgType, payload []byte) (Message, error) {
	m := New(t)
	if m == nil {
		return nil, fmt.Errorf("%w: %d", ErrUnknownType, uint8(t))
	}
	if err := m.UnmarshalBinary(payload); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", t, err)
	}
	return m, nil
}

// body is what each message implements; the exported methods are thin
// wrappers so the encoder and decoder stay unexported.
type body interface {
	encode(e *encoder)
	decode(d *decoder)
}

func appendBody(b []byte, m body) ([]byte, error) {
	e := encoder{b: b}
	m.encode(&e)
	if e.err != nil {
		return b, e.err
	}
	return e.b, nil
}

func unmarshalBody(p []byte, m body) error {
	d := decoder{b: p}
	m.decode(&d)
	return d.finish()
}
