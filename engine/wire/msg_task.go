package wire

import "fmt"

// TaskOutcome is how the target disposed of one task command. The values
// are part of the wire format: never renumber, only append.
type TaskOutcome uint8

const (
	TaskSucceeded  TaskOutcome = 1 // ran and exited 0 (or was started with no wait)
	TaskFailed     TaskOutcome = 2 // could not start, exited non-zero or timed out
	TaskIgnored    TaskOutcome = 3 // task processing is disabled on the target
	taskOutcomeEnd             = TaskIgnored + 1
)

func (o TaskOutcome) String() string {
	switch o {
	case TaskSucceeded:
		return "succeeded"
	case TaskFailed:
		return "failed"
	case TaskIgnored:
		return "ignored"
	}
	return fmt.Sprintf("task-outcome(%d)", uint8(o))
}

// Valid reports whether o is an outcome this version knows.
func (o TaskOutcome) Valid() bool { return o > 0 && o < taskOutcomeEnd }

// TaskResult tells the source what became of the task op Seq, so the
// source's connection counts tasks succeeded, failed and ignored as the
// target's block does. It is sent when the task has been disposed of, before
// the Ack that covers Seq.
type TaskResult struct {
	Seq      uint64
	Outcome  TaskOutcome
	ExitCode int64 // the command's exit code when it ran to completion, else -1
}

func (*TaskResult) Type() MsgType                           { return MsgTaskResult }
func (m *TaskResult) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *TaskResult) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *TaskResult) encode(e *encoder) {
	if !m.Outcome.Valid() {
		e.fail(fmt.Errorf("%w: task outcome %d", ErrBadValue, uint8(m.Outcome)))
		return
	}
	e.uvarint(m.Seq)
	e.u8(uint8(m.Outcome))
	e.varint(m.ExitCode)
}

func (m *TaskResult) decode(d *decoder) {
	m.Seq = d.uvarint()
	m.Outcome = TaskOutcome(d.u8())
	if d.err == nil && !m.Outcome.Valid() {
		d.fail(fmt.Errorf("%w: task outcome %d", ErrBadValue, uint8(m.Outcome)))
		return
	}
	m.ExitCode = d.varint()
}
