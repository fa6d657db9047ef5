package wire

import "fmt"

// JobFlags are the target's standing facts about one job's copy. The bit
// values are part of the wire format: never renumber, only append.
type JobFlags uint32

const (
	// JobRestoreRequired: the target's copy is the authoritative one (the
	// target took over from the source), so the source must not mirror or
	// replicate over it until its data is restored from the target or the
	// user remirrors ("Restore Required").
	JobRestoreRequired JobFlags = 1 << 0
	// JobMirrorRequired: the target could not apply an operation and
	// discarded it (event 4150), so its copy may hold names the source no
	// longer has and lack what the source has: the source removes orphans,
	// then runs a difference mirror ("Mirror Required").
	JobMirrorRequired JobFlags = 1 << 1
	jobFlagsAll                = JobRestoreRequired | JobMirrorRequired
)

// JobState is what the target holds about the job: it is sent once right
// after the handshake and again whenever it changes.
type JobState struct {
	Flags JobFlags
}

func (*JobState) Type() MsgType                           { return MsgJobState }
func (m *JobState) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *JobState) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *JobState) encode(e *encoder) {
	if m.Flags&^jobFlagsAll != 0 {
		e.fail(fmt.Errorf("%w: job flags %#x", ErrBadValue, uint32(m.Flags)))
		return
	}
	e.uvarint(uint64(m.Flags))
}

func (m *JobState) decode(d *decoder) {
	m.Flags = JobFlags(d.uvarint32())
	if d.err == nil && m.Flags&^jobFlagsAll != 0 {
		d.fail(fmt.Errorf("%w: job flags %#x", ErrBadValue, uint32(m.Flags)))
	}
}
