package wire

import "fmt"

// NonceSize is the length of a handshake challenge.
const NonceSize = 32

// ProofSize is the length of an HMAC-SHA256 proof.
const ProofSize = 32

// maxVersions bounds Hello.Versions; a peer offering more is not serious.
const maxVersions = 64

// HelloFlags are the options a side announces in Hello.
type HelloFlags uint32

const (
	// HelloReconnect marks a source re-establishing an existing connection
	// (auto-reconnect): the target keeps the connection's state.
	HelloReconnect HelloFlags = 1 << 0
)

// Hello opens the handshake from each side: the source sends its own, the
// target answers with its own after checking the source's.
type Hello struct {
	Versions     []uint16 // protocol versions the sender speaks, any order
	ServerName   string   // the sender's server name
	SetName      string   // replication set (job) the connection serves; empty from the target
	ConnectionID uint32   // the source's connection ID; 0 from the target
	SourceAddr   string   // the source's address as it sees itself; empty from the target
	Flags        HelloFlags

	// The connection's stream, from the source: the job's stable identity,
	// the epoch of the source's queue (a new queue after a source restart
	// numbers its ops from 1 again), and where the target keeps the replica.
	JobID      string
	Epoch      uint64
	TargetPath string
	// Durable is not sent in Hello: the target tells it only once the
	// source has proved itself, in Welcome, and ClientHandshake copies it
	// here. It is the highest sequence of this JobID and Epoch the target
	// has made durable, so the source resends exactly the rest.
	Durable uint64
}

func (*Hello) Type() MsgType                           { return MsgHello }
func (m *Hello) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Hello) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *Hello) encode(e *encoder) {
	if len(m.Versions) > maxVersions {
		e.fail(fmt.Errorf("%w: %d versions, limit %d", ErrFieldTooLong, len(m.Versions), maxVersions))
		return
	}
	e.count(len(m.Versions))
	for _, v := range m.Versions {
		e.u16(v)
	}
	e.str(m.ServerName)
	e.str(m.SetName)
	e.uvarint(uint64(m.ConnectionID))
	e.str(m.SourceAddr)
	e.uvarint(uint64(m.Flags))
	e.str(m.JobID)
	e.uvarint(m.Epoch)
	e.str(m.TargetPath)
}

func (m *Hello) decode(d *decoder) {
	n := d.count(2)
	if n > maxVersions {
		d.fail(fmt.Errorf("%w: %d versions, limit %d", ErrFieldTooLong, n, maxVersions))
		return
	}
	m.Versions = nil
	if n > 0 {
		m.Versions = make([]uint16, n)
		for i := range m.Versions {
			m.Versions[i] = d.u16()
		}
	}
	m.ServerName = d.str()
	m.SetName = d.str()
	m.ConnectionID = d.uvarint32()
	m.SourceAddr = d.str()
	m.Flags = HelloFlags(d.uvarint32())
	m.JobID = d.str()
	m.Epoch = d.uvarint()
	m.TargetPath = d.str()
}

// Challenge carries a fresh random nonce the other side must prove over.
type Challenge struct {
	Nonce [NonceSize]byte
}

func (*Challenge) Type() MsgType                           { return MsgChallenge }
func (m *Challenge) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Challenge) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }
func (m *Challenge) encode(e *encoder)                     { e.fixed(m.Nonce[:]) }
func (m *Challenge) decode(d *decoder)                     { d.fixed(m.Nonce[:]) }

// Proof is an HMAC-SHA256, keyed by a slow derivation of the shared secret,
// over both nonces and the transcript (see handshake.go). The secret itself
// never crosses the wire.
type Proof struct {
	MAC [ProofSize]byte
}

func (*Proof) Type() MsgType                           { return MsgProof }
func (m *Proof) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Proof) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }
func (m *Proof) encode(e *encoder)                     { e.fixed(m.MAC[:]) }
func (m *Proof) decode(d *decoder)                     { d.fixed(m.MAC[:]) }

// Welcome ends a successful handshake; the target sends it, after its own
// proof, with the negotiated protocol version and the highest sequence of
// the source's stream it has made durable (see Hello.Durable).
type Welcome struct {
	Version uint16
	Durable uint64
}

func (*Welcome) Type() MsgType                           { return MsgWelcome }
func (m *Welcome) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Welcome) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }
func (m *Welcome) encode(e *encoder)                     { e.u16(m.Version); e.uvarint(m.Durable) }
func (m *Welcome) decode(d *decoder)                     { m.Version = d.u16(); m.Durable = d.uvarint() }

// Refuse ends a failed handshake, from either side, with a chapter 5 code
// (138 Insufficient security access, 157 Incompatible ... versions, ...).
type Refuse struct {
	Code   uint32
	Reason string
}

func (*Refuse) Type() MsgType                           { return MsgRefuse }
func (m *Refuse) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *Refuse) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *Refuse) encode(e *encoder) {
	e.uvarint(uint64(m.Code))
	e.str(m.Reason)
}

func (m *Refuse) decode(d *decoder) {
	m.Code = d.uvarint32()
	m.Reason = d.str()
}

// Err returns the refusal as a *PeerError.
func (m *Refuse) Err() error { return &PeerError{Code: int(m.Code), Text: m.Reason, Refused: true} }
