package wire

import "fmt"

// Handlers are what each end of a session does with what the other sends.
// The protocol's one type switch over messages lives here (DispatchSource,
// DispatchTarget), as syncthing's protocol package calls its Model: the
// source and the target implement an interface each and never switch on
// message types themselves, so a new message is added in one place and the
// compiler finds every end that must handle it.
//
// A handler method's error ends the session. Ping is answered and Pong
// ignored by the dispatchers: the keep-alive only needs frames to arrive.

// SourceHandler receives what a target sends to a source.
type SourceHandler interface {
	// Ack: the target made every op up to Seq durable.
	Ack(m *Ack) error
	// Reply answers the request numbered reqID: a StatReply, HashReply,
	// ListReply or ReadReply, or an Error that refused that request only.
	Reply(reqID uint64, m Message) error
	TaskResult(m *TaskResult) error
	JobState(m *JobState) error
}

// TargetHandler receives what a source sends to a target.
type TargetHandler interface {
	Ops(m *Ops) error
	StatRequest(m *StatRequest) error
	HashRequest(m *HashRequest) error
	ListRequest(m *ListRequest) error
	ReadRequest(m *ReadRequest) error
	Control(m *Control) error
}

// Sender is the part of a Conn a dispatcher answers pings on.
type Sender interface {
	Send(m Message) error
}

// UnexpectedError is a message one end never sends to the other.
type UnexpectedError struct{ Type MsgType }

func (e *UnexpectedError) Error() string { return fmt.Sprintf("unexpected %s message", e.Type) }

// DispatchSource hands m, received by a source, to h. Pings are answered on
// c.
func DispatchSource(c Sender, m Message, h SourceHandler) error {
	switch m := m.(type) {
	case *Ack:
		return h.Ack(m)
	case *StatReply:
		return h.Reply(m.ReqID, m)
	case *HashReply:
		return h.Reply(m.ReqID, m)
	case *ListReply:
		return h.Reply(m.ReqID, m)
	case *ReadReply:
		return h.Reply(m.ReqID, m)
	case *TaskResult:
		return h.TaskResult(m)
	case *JobState:
		return h.JobState(m)
	case *Error:
		if m.ReqID != 0 {
			return h.Reply(m.ReqID, m)
		}
		return m.Err() // an Error for the whole session ends it
	}
	return dispatchKeepAlive(c, m)
}

// DispatchTarget hands m, received by a target, to h. Pings are answered
// on c.
func DispatchTarget(c Sender, m Message, h TargetHandler) error {
	switch m := m.(type) {
	case *Ops:
		return h.Ops(m)
	case *StatRequest:
		return h.StatRequest(m)
	case *HashRequest:
		return h.HashRequest(m)
	case *ListRequest:
		return h.ListRequest(m)
	case *ReadRequest:
		return h.ReadRequest(m)
	case *Control:
		return h.Control(m)
	case *Error:
		return m.Err() // an Error for the whole session ends it
	}
	return dispatchKeepAlive(c, m)
}

// dispatchKeepAlive answers a Ping, ignores a Pong and refuses the rest.
func dispatchKeepAlive(c Sender, m Message) error {
	switch m := m.(type) {
	case *Ping:
		return c.Send(&Pong{ID: m.ID})
	case *Pong:
		return nil
	}
	return &UnexpectedError{m.Type()}
}
