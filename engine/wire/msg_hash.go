package wire

import (
	"fmt"
	"math"
)

// HashAlgo names the block hash of HashRequest and HashReply. The values are
// part of the wire format: never renumber, only append.
type HashAlgo uint8

// HashXXH3x128 is the 128-bit XXH3 hash that engine/blockhash computes
// (blockhash.Sum, the 16 bytes of xxh3.Hash128(block).Bytes()). It is the
// protocol's only algorithm: blockhash's documentation measures it at ~25x
// SHA-256 with SHA-NI, so hashing never competes with the disk, and it
// explains why collision resistance against an attacker is not needed when
// both sides compare copies of the source's own blocks. 128 bits make an
// accidental match of old and new contents of one block negligible. The
// algorithm byte travels in every request and reply so a later protocol
// version can add a cryptographic hash without a new message.
const HashXXH3x128 HashAlgo = 1

// BlockHashSize is the length of one block hash.
const BlockHashSize = 16

// BlockHash is the digest of one block, byte for byte a blockhash.Sum.
type BlockHash [BlockHashSize]byte

func decodeHashAlgo(d *decoder) HashAlgo {
	a := HashAlgo(d.u8())
	if d.err == nil && a != HashXXH3x128 {
		d.fail(fmt.Errorf("%w: hash algorithm %d", ErrBadValue, uint8(a)))
	}
	return a
}

// Bounds of a HashRequest: a block is at most what one ReadRequest reads,
// and one reply carries at most MaxHashCount hashes (1 MiB), however
// large the file; First*BlockSize must be a valid file offset.
const (
	MaxHashBlockSize = MaxReadLength
	MaxHashCount     = 1 << 16
)

// HashRequest asks the target for the hashes of Count blocks of BlockSize
// bytes of Path, starting at block First (offset First*BlockSize). The
// source compares them with its own to send only blocks that differ.
type HashRequest struct {
	ReqID     uint64
	Path      string
	Algo      HashAlgo
	BlockSize uint32
	First     uint64
	Count     uint32
}

func (*HashRequest) Type() MsgType                           { return MsgHashRequest }
func (m *HashRequest) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *HashRequest) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

// check reports a field out of its bounds.
func (m *HashRequest) check() error {
	if m.BlockSize == 0 || m.BlockSize > MaxHashBlockSize || m.Count > MaxHashCount ||
		m.First > math.MaxInt64/uint64(m.BlockSize) {
		return fmt.Errorf("%w: hash request for %d blocks of %d bytes from block %d (blocks of 1 to %d bytes, at most %d of them)",
			ErrBadValue, m.Count, m.BlockSize, m.First, MaxHashBlockSize, MaxHashCount)
	}
	return nil
}

func (m *HashRequest) encode(e *encoder) {
	if err := m.check(); err != nil {
		e.fail(err)
		return
	}
	e.uvarint(m.ReqID)
	e.str(m.Path)
	e.u8(uint8(m.Algo))
	e.uvarint(uint64(m.BlockSize))
	e.uvarint(m.First)
	e.uvarint(uint64(m.Count))
}

func (m *HashRequest) decode(d *decoder) {
	m.ReqID = d.uvarint()
	m.Path = d.str()
	m.Algo = decodeHashAlgo(d)
	m.BlockSize = d.uvarint32()
	m.First = d.uvarint()
	m.Count = d.uvarint32()
	if d.err == nil {
		if err := m.check(); err != nil {
			d.fail(err)
		}
	}
}

// HashReply answers a HashRequest. Size is the file's size when it was
// hashed; Hashes may be shorter than requested when the file ends sooner,
// and its last block may be partial. When Exists is false Hashes is empty.
type HashReply struct {
	ReqID  uint64
	Algo   HashAlgo
	Exists bool
	Size   int64
	First  uint64
	Hashes []BlockHash
}

func (*HashReply) Type() MsgType                           { return MsgHashReply }
func (m *HashReply) AppendBinary(b []byte) ([]byte, error) { return appendBody(b, m) }
func (m *HashReply) UnmarshalBinary(p []byte) error        { return unmarshalBody(p, m) }

func (m *HashReply) encode(e *encoder) {
	e.uvarint(m.ReqID)
	e.u8(uint8(m.Algo))
	e.bool(m.Exists)
	e.varint(m.Size)
	e.uvarint(m.First)
	e.count(len(m.Hashes))
	for i := range m.Hashes {
		e.fixed(m.Hashes[i][:])
	}
}

func (m *HashReply) decode(d *decoder) {
	m.ReqID = d.uvarint()
	m.Algo = decodeHashAlgo(d)
	m.Exists = d.bool()
	m.Size = d.varint()
	m.First = d.uvarint()
	n := d.count(BlockHashSize)
	m.Hashes = nil
	if n > 0 {
		m.Hashes = make([]BlockHash, n)
		for i := range m.Hashes {
			d.fixed(m.Hashes[i][:])
		}
	}
}
